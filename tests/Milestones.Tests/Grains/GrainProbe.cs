using System.Collections.Concurrent;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// Test hooks inside the silos: inject a fault into an account's transfer (before or after it is applied,
/// as a crash or a lost reply would), into a grain's state write or into its wake-up, and learn when a grain has been woken.
/// </summary>
public sealed class GrainProbe
{
    private readonly ConcurrentDictionary<string, (TransferKind Kind, bool AfterApplying, string? EndingWith)> faults = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> wakes = new();
    private readonly ConcurrentDictionary<GrainId, (string? Only, int Skip)> failingWrites = new();
    private readonly ConcurrentDictionary<GrainId, int> failingReads = new();
    private readonly ConcurrentDictionary<string, bool> failingWakes = new();
    private readonly ConcurrentDictionary<string, bool> refusals = new();

    /// <summary>
    /// The next transfer of this kind on this contract fails once; with <paramref name="endingWith"/>, only one whose
    /// transfer id ends so (one leg of a release: <c>/release</c>, <c>/service-fee</c>, <c>/client-fee</c>).
    /// </summary>
    public void FailNextTransfer(string contractId, TransferKind kind, bool afterApplying, string? endingWith = null) =>
        faults[contractId] = (kind, afterApplying, endingWith);

    /// <summary>Whether a transfer fault armed on this contract has not tripped yet.</summary>
    public bool TransferFaultArmed(string contractId) => faults.ContainsKey(contractId);

    public bool TryTrip(TransferOrder order, bool afterApplying) =>
        order.ContractId is { } id && faults.TryGetValue(id, out var f) && f.Kind == order.Kind && f.AfterApplying == afterApplying
        && (f.EndingWith is null || order.TransferId.EndsWith(f.EndingWith, StringComparison.Ordinal))
        && faults.TryRemove(id, out _);

    /// <summary>
    /// The next state write of this grain (of the row <paramref name="stateName"/> if given), or the one after
    /// <paramref name="skip"/> more, fails once, before it reaches the store (as a database outage would).
    /// </summary>
    public void FailNextWrite(GrainId grain, string? stateName = null, int skip = 0) => failingWrites[grain] = (stateName, skip);

    public bool TryTripWrite(GrainId grain, string stateName)
    {
        lock (failingWrites)
        {
            if (!failingWrites.TryGetValue(grain, out var fault) || (fault.Only is not null && fault.Only != stateName))
            {
                return false;
            }

            if (fault.Skip > 0)
            {
                failingWrites[grain] = fault with { Skip = fault.Skip - 1 };
                return false;
            }

            return failingWrites.TryRemove(grain, out _);
        }
    }

    /// <summary>Whether a write fault armed on this grain has not tripped yet.</summary>
    public bool WriteFaultArmed(GrainId grain) => failingWrites.ContainsKey(grain);

    /// <summary>The next read of this grain (its state, keys or an answer) after <paramref name="skip"/> more fails once (as a database outage would).</summary>
    public void FailNextRead(GrainId grain, int skip = 0) => failingReads[grain] = skip;

    public bool TryTripRead(GrainId grain)
    {
        lock (failingReads)
        {
            if (!failingReads.TryGetValue(grain, out var skip))
            {
                return false;
            }

            if (skip > 0)
            {
                failingReads[grain] = skip - 1;
                return false;
            }

            return failingReads.TryRemove(grain, out _);
        }
    }

    /// <summary>The next wake-up of this grain fails once, before the grain sees it (as a lost message would).</summary>
    public void FailNextWake(string grainKey) => failingWakes[grainKey] = true;

    public bool TryTripWake(string grainKey) => failingWakes.TryRemove(grainKey, out _);

    /// <summary>The next transfer of this kind on this contract is refused by the account without being applied (the books disagree).</summary>
    public void RefuseNextTransfer(string contractId, TransferKind kind) => refusals[$"{contractId}/{kind}"] = true;

    public bool TryRefuse(TransferOrder order) => order.ContractId is { } id && refusals.TryRemove($"{id}/{order.Kind}", out _);

    /// <summary>Disarms every injected fault that has not tripped.</summary>
    public void ClearFaults()
    {
        faults.Clear();
        failingWrites.Clear();
        failingReads.Clear();
        failingWakes.Clear();
        refusals.Clear();
    }

    /// <summary>Completes when the grain has been woken (and has handled it) the next time.</summary>
    public Task Woken(string grainKey) =>
        wakes.GetOrAdd(grainKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void OnWoken(string grainKey)
    {
        if (wakes.TryRemove(grainKey, out var done))
        {
            done.TrySetResult();
        }
    }
}

public sealed class InjectedFaultException(string message) : Exception(message);
