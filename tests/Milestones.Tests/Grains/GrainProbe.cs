using System.Collections.Concurrent;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// Test hooks inside the silos: inject a fault into an account's transfer (before or after it is applied,
/// as a crash or a lost reply would), and learn when a reminder tick has been handled.
/// </summary>
public sealed class GrainProbe
{
    private readonly ConcurrentDictionary<string, (TransferKind Kind, bool AfterApplying)> faults = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> reminders = new();

    /// <summary>The next transfer of this kind on this contract fails once.</summary>
    public void FailNextTransfer(string contractId, TransferKind kind, bool afterApplying) => faults[contractId] = (kind, afterApplying);

    public bool TryTrip(TransferOrder order, bool afterApplying) =>
        order.ContractId is { } id && faults.TryGetValue(id, out var f) && f.Kind == order.Kind && f.AfterApplying == afterApplying
        && faults.TryRemove(id, out _);

    /// <summary>Completes when the grain has handled its next reminder tick.</summary>
    public Task ReminderHandled(string grainKey) =>
        reminders.GetOrAdd(grainKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void OnReminderHandled(string grainKey)
    {
        if (reminders.TryRemove(grainKey, out var done))
        {
            done.TrySetResult();
        }
    }
}

public sealed class InjectedFaultException(string message) : Exception(message);
