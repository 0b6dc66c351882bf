using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Effects;
using Milestones.Events;
using Orleans.Serialization;

namespace Milestones;

// The effects of a decision: moving money between accounts, the auto-release wake-up, the platform told of a
// halt, and the ports the effect protocol drives.
internal sealed partial class ContractGrain : IEffectPorts
{
    /// <summary>How long an acknowledged outcome may wait for the contract's next change to write it.</summary>
    internal static readonly TimeSpan SaveDelay = TimeSpan.FromMilliseconds(200);

    private IGrainTimer? followUpTimer;

    /// <summary>Decides the auto-release of the milestone whose review period has ended, and carries it out.</summary>
    private async Task AutoReleaseAsync()
    {
        if (contract.AutoRelease(Now) is null)
        {
            store.State.TransferDecidedAt = Now;
            await protocol.MakeDurableAsync();
            await RunOpenTransferAsync(resent: false);
        }
    }

    /// <summary>
    /// The intent is stored; apply it on the accounts (each applies a transfer id at most once), then store the
    /// outcome. An account that cannot be reached leaves the intent open (503, finished by the next command or
    /// activation); an account that refuses what cannot be refused halts the contract.
    /// A transfer a command decided may be acknowledged once the accounts applied it, before its outcome is stored:
    /// the stored intent and the accounts fully decide it (same transfer id, same decision time, same pending key),
    /// so finishing the intent again after a crash gives exactly the acknowledged state, and no account applies it
    /// twice. The outcome is written off the answer's path: by the contract's next change if it comes within
    /// <see cref="SaveDelay"/>, else by a timer then (its events wait for that write to reach the feed) — unless the
    /// transfer is one order (a funding's hold): then the account stores the outcome's events with the order
    /// (<see cref="ApplyOnAccountsAsync"/>), and the state waits for the contract's next write. A refused hold is
    /// stored because a retry could be accepted; a transfer nobody waits for (auto-release) is stored at once, and so
    /// is an outcome that changes the contract's status (the approval that completes it): the parties' "My Jobs" lines
    /// are written with the state, and a list read after the answer must show what it says.
    /// <paramref name="resent"/>: the intent was found open (the accounts may have applied it already); false only
    /// right after the decision that stored it.
    /// </summary>
    private async Task<Outcome<ContractResult>> RunOpenTransferAsync(bool resent, bool acknowledgeBeforeSaving = false)
    {
        var intent = State.OpenTransfer!;
        (Error? Refused, Error? Broken, IReadOnlyList<OutboxEvent>? Carried) answer;
        try
        {
            answer = await ApplyOnAccountsAsync(intent, resent);
        }
        catch (Exception ex)
        {
            LogTransferStaysOpen(ex, intent.TransferId, State.Id);
            return Errors.TransferInProgress();
        }

        if (answer.Broken is { } broken)
        {
            return await HaltAsync(intent, broken);
        }

        var answerCarried = false;
        if (answer.Refused is null)
        {
            contract.TransferApplied(store.State.TransferDecidedAt ?? Now);
            if (answer.Carried is { } carried)
            {
                answerCarried = OutcomeCarried(carried) && carried is [{ Answer: not null }, ..];
            }
        }
        else
        {
            contract.TransferRejected();
        }

        var key = store.State.PendingKey;
        store.State.PendingKey = null;
        store.State.TransferDecidedAt = null;
        var result = Result(contract, intent);
        if (key is not null)
        {
            if (answer.Refused is { } refused)
            {
                store.State.RememberKey(key with { Rejection = refused });
            }
            else
            {
                // An answer the account's write stored with the outcome's events is not stored again.
                store.State.RememberKey(key, answerCarried ? null : result);
            }
        }

        if (acknowledgeBeforeSaving && answer.Refused is null && !store.State.ListingChanged)
        {
            unsaved = true;
            if (answer.Carried is null)
            {
                saveTimer ??= this.RegisterGrainTimer(SaveUnsavedAsync, new GrainTimerCreationOptions(SaveDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
            }
        }
        else
        {
            await protocol.MakeDurableAsync();
        }

        if (answer.Refused is null)
        {
            MilestonesMetrics.TransferApplied(intent, State.Currency);
        }

        await protocol.FollowUpAsync();
        return answer.Refused ?? Outcome<ContractResult>.Ok(result);
    }

    /// <summary>The books disagree: stop taking commands, keep the intent as it is, and tell the platform.</summary>
    private async Task<Outcome<ContractResult>> HaltAsync(TransferIntent intent, Error refusal)
    {
        store.State.Halt = new ContractHalt(State.Id, intent.TransferId, refusal.Code, refusal.Message, Now);
        LogBooksDisagree(State.Id, intent.TransferId, refusal.Code, refusal.Message);
        await protocol.MakeDurableAsync();
        await protocol.FollowUpAsync();
        return Errors.ContractHalted();
    }

    /// <summary>What a command whose transfer <paramref name="intent"/> completed answers.</summary>
    private static ContractResult Result(Contract contract, TransferIntent intent) =>
        new(contract.ToView(), intent.Purpose is TransferPurpose.Bonus or TransferPurpose.Refund ? intent.Subject : null);

    /// <summary>
    /// Applies the intent's orders (<see cref="Contract.Plan"/>): the client's first, then the credits its capture
    /// sends, together (one call per account), then settles the capture. Only a hold may be refused; any other refusal
    /// means the books disagree.
    /// A transfer of one order decides its outcome on one account, so the outcome's events go with that order and
    /// are stored with the account's change, and so does the answer of the command waiting for it (beside the first
    /// event): returned as carried if that account applied the order now (a replay returns null: the contract's next
    /// write sends them, stored once).
    /// </summary>
    private async Task<(Error? Refused, Error? Broken, IReadOnlyList<OutboxEvent>? Carried)> ApplyOnAccountsAsync(TransferIntent intent, bool resent)
    {
        var plan = contract.Plan(intent);
        var carried = plan is { Sources: [{ Order.Legs: null }], Credits: [] } && store.State.TransferDecidedAt is { } decidedAt
            ? OutcomeEvents(intent, decidedAt)
            : null;
        for (var i = 0; i < plan.Sources.Count; i++)
        {
            var (account, order) = plan.Sources[i];
            var applied = await GrainFactory.AccountByKey(account).ApplyAsync(order, resent, carried);
            if (applied.Error is { } refused)
            {
                return i == 0 && order.Kind is TransferKind.Hold or TransferKind.Debit ? (refused, null, null) : (null, refused, null);
            }

            carried = applied.Replayed ? null : carried;
        }

        // An account credited more than once by the transfer (the fee account by a release) takes its credits in one call.
        var credits = await Task.WhenAll(plan.Credits.GroupBy(c => c.Account)
            .Select(g => GrainFactory.AccountByKey(g.Key).ApplyAllAsync([.. g.Select(c => c.Order)], resent)));
        if (credits.SelectMany(c => c).FirstOrDefault(c => c.Error is not null)?.Error is { } notCredited)
        {
            return (null, notCredited, null);
        }

        foreach (var (account, order) in plan.Sources.Where(s => s.Order.Legs is { Count: > 0 }))
        {
            await GrainFactory.AccountByKey(account).SettleAsync(order.TransferId);
        }

        return (null, null, carried);
    }

    /// <summary>
    /// The events the open transfer's outcome records, worked out on a copy of the state: the outcome depends only on
    /// what is stored (the intent, its decision time and the key of the command waiting for it), so the real one
    /// records exactly these; the first carries that command's answer.
    /// </summary>
    private List<OutboxEvent> OutcomeEvents(TransferIntent intent, DateTimeOffset decidedAt)
    {
        var copy = ServiceProvider.GetRequiredService<DeepCopier<ContractState>>().Copy(State);
        var outcome = new Contract(copy, rules);
        outcome.TransferApplied(decidedAt);
        List<OutboxEvent> events = [.. copy.Events.Where(e => e.Seq > State.EventCount).Select(e => FeedEvents.Contract(copy, e))];
        if (store.State.PendingKey is { } key && events.Count > 0)
        {
            events[0] = events[0] with { Answer = new CarriedAnswer(this.GetGrainId(), key.Key, KeptAnswer.Of(key, Result(outcome, intent))) };
        }

        return events;
    }

    /// <summary>
    /// The outcome just recorded had its events stored by the account (<paramref name="carried"/>): they are in the
    /// outbox, so the contract's next write does not send them again. Should they differ (a bug), the write sends its
    /// own, and its answer with them: false.
    /// </summary>
    private bool OutcomeCarried(IReadOnlyList<OutboxEvent> carried)
    {
        if (store.State.Unwritten(this.GetGrainId()).SequenceEqual(carried.Select(e => e with { Answer = null })))
        {
            store.State.Written(carried);
            return true;
        }

        LogCarriedEventsDiffer(State.Id);
        return false;
    }

    /// <summary>
    /// Woken because the stored wake-up time has come: releases what is due (as every call does first). If the stored
    /// wake-up is still not what the state needs (an outcome acknowledged but not yet written, a halt), the state is
    /// written, so a contract is not woken again for nothing.
    /// </summary>
    public async Task WakeAsync()
    {
        await CatchUpAsync();
        if (store.State.WakeAt != WakeNeeded)
        {
            await protocol.MakeDurableAsync();
        }

        await protocol.FollowUpAsync();
    }

    /// <summary>The auto-release the state waits for; a halted contract waits for nothing.</summary>
    private DateTimeOffset? WakeNeeded => store.State.Halt is null ? contract.NextAutoReleaseAt : null;

    // Effect ports, over Orleans.

    bool IEffectPorts.PublishDue => store.State.Halt is { Reported: false };

    async Task IEffectPorts.PublishAsync()
    {
        if (store.State.Halt is { Reported: false } halt)
        {
            await GrainFactory.HaltedContracts().ReportAsync(halt);
            store.State.Halt = halt with { Reported = true };
            unsaved = true;
        }
    }

    Task IEffectPorts.WriteAsync()
    {
        store.State.WakeAt = WakeNeeded;
        unsaved = false;
        return store.WriteStateAsync();
    }

    async Task IEffectPorts.ReloadAsync()
    {
        await ReadStateAsync();
        unsaved = false;
    }

    void IEffectPorts.ScheduleFollowUp(TimeSpan delay)
    {
        followUpTimer?.Dispose();
        followUpTimer = this.RegisterGrainTimer(
            () => protocol.FollowUpAsync(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer {TransferId} on {ContractId} could not complete; it stays open")]
    private partial void LogTransferStaysOpen(Exception exception, string transferId, string contractId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "What {ContractId} had not written yet (a transfer's outcome, a follow-up done) was not saved on deactivation; its next activation does it again")]
    private partial void LogUnsavedLeftToRecovery(Exception exception, string contractId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The events an account stored for an outcome of {ContractId} differ from the ones it recorded; the feed has the account's")]
    private partial void LogCarriedEventsDiffer(string contractId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The books disagree: an account refused transfer {TransferId} of contract {ContractId} ({Code}: {Detail}); the contract is halted")]
    private partial void LogBooksDisagree(string contractId, string transferId, string code, string detail);
}
