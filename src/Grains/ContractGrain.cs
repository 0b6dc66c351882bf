using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Effects;
using Milestones.Events;
using Milestones.Wakeups;
using Orleans.Core;
using Orleans.Storage;

namespace Milestones;

/// <summary>
/// One contract. Each command: start from the stored state, check visibility, refuse if halted, finish any
/// transfer left open, replay or reject a reused idempotency key, let due time act first (auto-release), check
/// If-Match, let the domain decide, make it durable, the follow-ups, answer — all through one
/// <see cref="EffectProtocol"/>. Not reentrant: commands on one contract run one at a time.
/// </summary>
internal sealed partial class ContractGrain(
    [FromKeyedServices(StorageLayout.Storage)] IGrainStorage storage,
    ProductClock clock,
    ContractRules rules,
    IRememberedAnswers answers,
    IEventStreams streams,
    ILogger<ContractGrain> logger) : Grain, IContractGrain
{
    private StateStorageBridge<ContractGrainState> store = null!;
    /// <summary>The domain over the state; null until the state is read or assumed new (<see cref="CreateAsync"/>).</summary>
    private Contract contract = null!;
    private EffectProtocol protocol = null!;

    /// <summary>
    /// The state holds what the store does not have yet, and need not: an outcome whose intent is stored (see
    /// <see cref="RunOpenTransferAsync"/>), or a follow-up done (a halt reported) that would
    /// otherwise be done again by the next activation.
    /// </summary>
    private bool unsaved;

    /// <summary>Writes an outcome acknowledged before it was written, shortly after its answer (<see cref="SaveDelay"/>).</summary>
    private IGrainTimer? saveTimer;

    private ContractState State => store.State.Contract;
    private DateTimeOffset Now => clock.GetUtcNow();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveUnsavedAsync();

    /// <summary>
    /// Writes what the state holds and the store does not. Not needed for safety (finishing the saved intent again
    /// gives this state, and a follow-up done again changes nothing), but an acknowledged outcome's events reach the
    /// feed only with a write, and the next activation is spared that work on the path of its first answer. Never
    /// from memory ahead of the store: that holds a change whose write failed (answered with an error).
    /// </summary>
    private async Task SaveUnsavedAsync()
    {
        saveTimer?.Dispose();
        saveTimer = null;
        if (unsaved && !protocol.Ahead)
        {
            try
            {
                await protocol.MakeDurableAsync();
            }
            catch (Exception ex)
            {
                LogUnsavedLeftToRecovery(ex, State.Id);
            }
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Orleans' storage bridge (its errors, metrics and traces) used here, not a [PersistentState]: that one also
        // joins the activation's lifecycle and migration, about 260 bytes of lifecycle objects in every activation.
        // A migrated contract reads its state from the store again, as after any deactivation. The state is read by
        // the first call (LoadAsync), so that a create, which expects no state, need not read it (CreateAsync).
        store = NewStore();
        protocol = new EffectProtocol(this, logger);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads the stored state if this activation has not yet. A transfer left open and a due auto-release are then
    /// finished by the call (every call catches up first); what others must still be told is told now.
    /// </summary>
    private async Task LoadAsync()
    {
        if (contract is null)
        {
            await ReadStateAsync();
            await protocol.FollowUpAsync();
        }
    }

    /// <summary>
    /// A create expects no contract under its id (a new one, or one derived from the caller's idempotency key), so a
    /// fresh activation does not read the store first: it decides on the empty state and inserts it. If a contract
    /// is stored under the id after all (a create retried with its key, a stale activation), the insert is refused
    /// as stale, writes nothing (the state's events, lines and answer go with its row), and the protocol reloads
    /// what is stored; the create then runs again on it, as a replay or a conflict.
    /// </summary>
    public async Task<Outcome<ContractResult>> CreateAsync(Caller caller, CreateContract command, CommandOptions options)
    {
        var assumedNew = contract is null;
        if (assumedNew)
        {
            store.State = new ContractGrainState();
            contract = new Contract(State, rules);
        }

        Outcome<ContractResult> outcome;
        try
        {
            outcome = await CreateOnceAsync(caller, command, options);
        }
        catch (InconsistentStateException) when (assumedNew && !protocol.Ahead)
        {
            await protocol.FollowUpAsync();
            outcome = await CreateOnceAsync(caller, command, options);
        }

        if (outcome.Succeeded && !outcome.Replayed)
        {
            MilestonesMetrics.ContractCreated();
        }

        return outcome;
    }

    private Task<Outcome<ContractResult>> CreateOnceAsync(Caller caller, CreateContract command, CommandOptions options) =>
        Execute(nameof(CreateAsync), command, caller, options,
            () => contract.Create(caller, this.GetPrimaryKeyString(), command, Now), mustExist: false);

    public async Task<Outcome<ContractView>> GetAsync(Caller caller)
    {
        await CatchUpAsync();
        return Visible(caller) ?? Outcome<ContractView>.Ok(contract.ToView());
    }

    public async Task<Outcome<EventPage>> GetEventsAsync(Caller caller, long after, int limit)
    {
        await CatchUpAsync();
        if (Visible(caller) is { } error)
        {
            return error;
        }

        limit = Math.Clamp(limit, 1, 500);
        var page = await EventsAsync(after, limit + 1);
        var next = page.Count > limit ? page[limit - 1].Seq : (long?)null;
        return Outcome<EventPage>.Ok(new EventPage(page.Take(limit).ToList(), next));
    }

    public async Task<Outcome<AuditReport>> GetAuditAsync(Caller caller)
    {
        await CatchUpAsync();
        if (Visible(caller) is { } error)
        {
            return error;
        }

        const int Page = 1000;
        var log = new List<ContractEvent>();
        for (var page = await EventsAsync(0, Page); ; page = await EventsAsync(log[^1].Seq, Page))
        {
            log.AddRange(page);
            if (page.Count < Page)
            {
                return Outcome<AuditReport>.Ok(AuditChain.Verify(log));
            }
        }
    }

    /// <summary>
    /// The contract's events numbered after <paramref name="after"/>, at most <paramref name="limit"/>, in order: those
    /// an earlier build kept in the state's row, then the outbox's, then those recorded and not stored yet (an outcome
    /// answered before its write).
    /// </summary>
    private async Task<List<ContractEvent>> EventsAsync(long after, int limit)
    {
        var events = State.RowEvents.Where(e => e.Seq > after).Take(limit).ToList();
        var from = Math.Max(after, State.RowEvents.Count > 0 ? State.RowEvents[^1].Seq : 0);
        if (events.Count < limit && from < State.EventCount)
        {
            var stored = await streams.ReadStreamAsync(FeedEvents.ContractStream(State.Id), from, limit - events.Count, CancellationToken.None);
            events.AddRange(stored.Select(FeedEvents.LogEntry));
            from = events.Count > 0 ? events[^1].Seq : from;
        }

        events.AddRange(State.Events.Where(e => e.Seq > from).Take(limit - events.Count));
        return events;
    }

    /// <summary>
    /// The stored state with the keys stored apart (<see cref="KeptAnswer"/>), both read at once, and the domain over
    /// it. They are read into a new bridge, which replaces the current one only once both reads have succeeded: memory
    /// is left as it was if either fails.
    /// </summary>
    private async Task ReadStateAsync()
    {
        var read = NewStore();
        var keys = answers.ReadKeysAsync(this.GetGrainId(), FeedEvents.ContractStream(this.GetPrimaryKeyString()), CancellationToken.None);
        await Task.WhenAll(read.ReadStateAsync(), keys);
        read.State.KeysStored(await keys);
        store = read;
        contract = new Contract(State, rules);
    }

    private StateStorageBridge<ContractGrainState> NewStore() => new(StorageLayout.Contract, GrainContext, storage);

    /// <summary>
    /// Before any call: memory at the stored state; a transfer left open (by a crash or a failed write after an
    /// acknowledged funding) finished, so that what was acknowledged is what a read shows; and time first — a
    /// review period that has ended releases its milestone before any command or read sees the contract, whether
    /// or not it has been woken for it. A transfer that cannot finish stays open (commands then answer 503).
    /// </summary>
    private async Task CatchUpAsync()
    {
        await LoadAsync();
        await protocol.EnsureStoredAsync();
        if (store.State.Halt is not null)
        {
            return;
        }

        if (State.OpenTransfer is not null)
        {
            await RunOpenTransferAsync(resent: true);
        }

        if (State.OpenTransfer is null && contract.DueForAutoRelease(Now) is not null)
        {
            await AutoReleaseAsync();
        }
    }

    public Task<Outcome<ContractResult>> AddMilestoneAsync(Caller caller, AddMilestone command, CommandOptions options) =>
        Execute(nameof(AddMilestoneAsync), command, caller, options, () => contract.AddMilestone(caller, command, Now), () => contract.LastMilestoneId);

    public Task<Outcome<ContractResult>> EditMilestoneAsync(Caller caller, EditMilestone command, CommandOptions options) =>
        Execute(nameof(EditMilestoneAsync), command, caller, options, () => contract.EditMilestone(caller, command, Now));

    public Task<Outcome<ContractResult>> DeleteMilestoneAsync(Caller caller, DeleteMilestone command, CommandOptions options) =>
        Execute(nameof(DeleteMilestoneAsync), command, caller, options, () => contract.DeleteMilestone(caller, command, Now));

    public Task<Outcome<ContractResult>> AcceptTermsAsync(Caller caller, int termsVersion, CommandOptions options) =>
        Execute(nameof(AcceptTermsAsync), termsVersion, caller, options, () => contract.AcceptTerms(caller, termsVersion, Now));

    public Task<Outcome<ContractResult>> DeclineAsync(Caller caller, string? message, CommandOptions options) =>
        Execute(nameof(DeclineAsync), message, caller, options, () => contract.Decline(caller, message, Now));

    public Task<Outcome<ContractResult>> WithdrawAsync(Caller caller, string? message, CommandOptions options) =>
        Execute(nameof(WithdrawAsync), message, caller, options, () => contract.Withdraw(caller, message, Now));

    public Task<Outcome<ContractResult>> EndAsync(Caller caller, EndContract command, CommandOptions options) =>
        Execute(nameof(EndAsync), command, caller, options, () => contract.End(caller, command, Now));

    public Task<Outcome<ContractResult>> FundMilestoneAsync(Caller caller, string milestoneId, CommandOptions options) =>
        Execute(nameof(FundMilestoneAsync), milestoneId, caller, options, () => contract.Fund(caller, milestoneId));

    public Task<Outcome<ContractResult>> SubmitWorkAsync(Caller caller, SubmitWork command, CommandOptions options) =>
        Execute(nameof(SubmitWorkAsync), command, caller, options, () => contract.Submit(caller, command, Now));

    public Task<Outcome<ContractResult>> ApproveMilestoneAsync(Caller caller, ApproveWork command, CommandOptions options) =>
        Execute(nameof(ApproveMilestoneAsync), command, caller, options, () => contract.Approve(caller, command, Now));

    public Task<Outcome<ContractResult>> RequestChangesAsync(Caller caller, RequestChanges command, CommandOptions options) =>
        Execute(nameof(RequestChangesAsync), command, caller, options, () => contract.RequestChanges(caller, command, Now));

    public Task<Outcome<ContractResult>> PayBonusAsync(Caller caller, PayMoney command, CommandOptions options) =>
        Execute(nameof(PayBonusAsync), command, caller, options, () => contract.PayBonus(caller, command, Now));

    public Task<Outcome<ContractResult>> IssueRefundAsync(Caller caller, PayMoney command, CommandOptions options) =>
        Execute(nameof(IssueRefundAsync), command, caller, options, () => contract.IssueRefund(caller, command, Now));

    public Task<Outcome<ContractResult>> ProposeChangeAsync(Caller caller, ProposeChange command, CommandOptions options) =>
        Execute(nameof(ProposeChangeAsync), command, caller, options, () => contract.ProposeChange(caller, command, Now), () => contract.LastChangeRequestId);

    public Task<Outcome<ContractResult>> AcceptChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options) =>
        Execute(nameof(AcceptChangeAsync), new { changeRequestId, message }, caller, options, () => contract.AcceptChange(caller, changeRequestId, message, Now));

    public Task<Outcome<ContractResult>> DeclineChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options) =>
        Execute(nameof(DeclineChangeAsync), new { changeRequestId, message }, caller, options, () => contract.DeclineChange(caller, changeRequestId, message, Now));

    public Task<Outcome<ContractResult>> WithdrawChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options) =>
        Execute(nameof(WithdrawChangeAsync), new { changeRequestId, message }, caller, options, () => contract.WithdrawChange(caller, changeRequestId, message, Now));

    private Error? Visible(Caller caller) =>
        State.Exists && contract.RoleOf(caller) != PartyRole.Stranger ? null : Errors.ContractNotFound();

    private async Task<Outcome<ContractResult>> Execute(
        string command, object? arguments, Caller caller, CommandOptions options, Func<Error?> decide,
        Func<string>? createdId = null, bool mustExist = true)
    {
        await CatchUpAsync();
        if (mustExist && Visible(caller) is { } hidden)
        {
            return hidden;
        }

        if (store.State.Halt is not null)
        {
            return Errors.ContractHalted();
        }

        if (State.OpenTransfer is not null)
        {
            return Errors.TransferInProgress();
        }

        var key = options.IdempotencyKey is { } k ? new IdempotencyRecord(k, Fingerprint.Of(command, new { caller, arguments }), null, Now) : null;
        switch (IdempotencyKeys.Lookup(store.State.Keys, key?.Key, key?.Fingerprint ?? ""))
        {
            case (_, { } reused):
                return reused;
            case ({ } seen, _):
                return await ReplayAsync(seen);
        }

        if (options.ExpectedVersion is { } expected && expected != State.Version)
        {
            return Errors.VersionMismatch(State.Version);
        }

        if (decide() is { } rejected)
        {
            if (key is not null && IdempotencyRecord.Remembers(rejected))
            {
                store.State.RememberKey(key with { Rejection = rejected });
                await protocol.MakeDurableAsync();
            }

            return rejected;
        }

        if (State.OpenTransfer is not null)
        {
            store.State.PendingKey = key;
            store.State.TransferDecidedAt = Now;
            await protocol.MakeDurableAsync();
            return await RunOpenTransferAsync(resent: false, acknowledgeBeforeSaving: true);
        }

        var result = new ContractResult(contract.ToView(), createdId?.Invoke());
        if (key is not null)
        {
            store.State.RememberKey(key, result);
        }

        await protocol.MakeDurableAsync();
        await protocol.FollowUpAsync();
        return Outcome<ContractResult>.Ok(result);
    }

    /// <summary>
    /// A key's first answer: a rejection it holds, else the result remembered since the last write (an outcome
    /// acknowledged before it was written), else the one stored beside the state. A stored key without an answer
    /// breaks the store's one rule for answers (written with the key), so it is an error, never a new answer.
    /// </summary>
    private async Task<Outcome<ContractResult>> ReplayAsync(IdempotencyRecord seen)
    {
        if (seen.Replay() is { } held)
        {
            return held;
        }

        var result = store.State.UnwrittenAnswer(seen.Key)
            ?? await answers.ReadAsync(this.GetGrainId(), FeedEvents.ContractStream(State.Id), seen.Key, CancellationToken.None)
            ?? throw new InvalidOperationException($"The answer of idempotency key '{seen.Key}' of {State.Id} is missing from the store.");
        return new Outcome<ContractResult>(result, null, Replayed: true);
    }
}
