using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Orleans.Concurrency;
using Milestones.Wakeups;
using Orleans.Storage;

namespace Milestones;

/// <summary>
/// One user's escrow account. Never calls a contract, so contract → account calls cannot form a cycle.
/// Reentrant on purpose, so that one busy account (a client funding thousands of contracts) commits many transfers
/// per write: every decision is made synchronously on the state (no await between reading and changing it), and
/// every answer waits until the state it was computed from is durable (<see cref="CommitQueue"/>). Transfers are
/// idempotent by id, so a transfer whose write failed is retried by its contract and applied once.
/// Its ledger lines are its events, kept in its stream (<see cref="ILedgerLines"/>). An activation reads a bounded
/// number of rows however long the ledger: its own (balances and money in transit as they stand), the counted holds
/// snapshot and at most 255 lines since. Older lines are read only when asked for: a statement page, the replay of an
/// old deposit, or a transfer that may have been applied before (found by its id).
/// </summary>
[Reentrant]
internal sealed partial class AccountGrain(
    [PersistentState(StorageLayout.Account, StorageLayout.Storage)] IPersistentState<AccountState> store,
    [FromKeyedServices(StorageLayout.Storage)] IGrainStorage rows,
    ILedgerLines ledger,
    IRememberedAnswers answers,
    ProductClock clock,
    ContractRules rules,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain, IWakeable
{
    /// <summary>Pages an earlier build sealed, read in parallel when a statement or an old deposit's replay needs them.</summary>
    private const int PagesReadAtOnce = 32;

    /// <summary>Lines read from the stream by one statement.</summary>
    private const int LinesReadAtOnce = 500;

    private AccountState state = null!;

    /// <summary>The holds open after the counted snapshot's line (<see cref="AccountState.HoldsAsOf"/>): what the next snapshot starts from.</summary>
    private Dictionary<string, Hold> snapshotHolds = null!;

    /// <summary>The two holds snapshot rows as last read or written (their versions), so a snapshot writes over its slot at once.</summary>
    private readonly GrainState<HoldsSnapshot>?[] holdsRows = new GrainState<HoldsSnapshot>?[2];
    private Account account = null!;
    private CommitQueue commits = null!;
    private Task? registering;

    /// <summary>A capture was settled in memory since the last write (<see cref="SettleAsync"/>): the next write stores it.</summary>
    private bool settledUnsaved;

    private string Key => this.GetPrimaryKeyString();

    private string UserId => GrainKeys.UserIdOf(Key);

    private string Stream => FeedEvents.AccountStream(UserId);

    /// <summary>The line after which the stream keeps the ledger (an earlier build kept those up to it).</summary>
    private long StreamFrom => state.StreamFrom ?? 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = store.State;
        var asOf = state.HoldsAsOf ?? 0;
        var snapshot = ReadSnapshotAsync(state.HoldsSlot, asOf);
        var keys = state.KeysApart != false ? answers.ReadKeysAsync(this.GetGrainId(), null, cancellationToken) : Task.FromResult<IReadOnlyList<IdempotencyRecord>>([]);
        state.EarlierLines = asOf;
        state.Entries = await StoredLinesAsync(asOf, state.Lines);
        if (state.Entries.Count != state.Lines - asOf)
        {
            throw new InvalidOperationException($"The ledger is not whole: {state.Entries.Count} lines are stored after line {asOf}; the account's row counts {state.Lines}.");
        }

        state.KeysStored(await keys);
        (snapshotHolds, var sealedPending) = await snapshot;
        Account.Restore(state, snapshotHolds, sealedPending);
        account = new Account(state);
        commits = new CommitQueue(WriteAsync, DeactivateOnIdle);
    }

    /// <summary>
    /// The holds open after line <paramref name="asOf"/> and the pending credits the snapshot counted in
    /// <paramref name="slot"/> holds (none before line 1; null if the row holds them).
    /// </summary>
    private async Task<(Dictionary<string, Hold> Holds, SealedPending? Pending)> ReadSnapshotAsync(int slot, long asOf)
    {
        if (asOf == 0)
        {
            return ([], SealedPending.None);
        }

        var row = holdsRows[slot] = await rows.ReadRowAsync<HoldsSnapshot>(StorageLayout.AccountHolds(slot), this.GetGrainId());
        return row.State!.AsOfLine == asOf ? (new(row.State.Holds), row.State.SealedPending)
            : throw new InvalidOperationException($"The holds snapshot in slot {slot} is as of line {row.State.AsOfLine}; the account's row counts one as of line {asOf}.");
    }

    public async Task<Outcome<AccountView>> DepositAsync(Caller caller, Deposit deposit, string? idempotencyKey = null)
    {
        if (PlatformOnly(caller, "record deposits") is { } notPlatform)
        {
            return notPlatform;
        }

        var error = Validate.All(
            Validate.Currency(deposit.Currency),
            Validate.Id(deposit.Reference, "reference"),
            deposit.Amount <= 0 ? Errors.Invalid("invalid_amount", "amount", "A deposit must be a positive integer in minor units.") : null);
        if (error is not null)
        {
            return error;
        }

        await EnsureRegisteredAsync();
        var order = new TransferOrder($"deposit/{deposit.Reference}", TransferKind.Deposit, new Money(deposit.Amount, deposit.Currency));
        var fingerprint = Fingerprint.Of("deposit", new { caller, deposit });
        if (Lookup(idempotencyKey, fingerprint).Reused is { } reusedKey)
        {
            await commits.Durable();
            return reusedKey;
        }

        // The reference is claimed for this account (durably) before any credit: another account's claim refuses it.
        // Already applied here means claimed here, so a replay needs no call.
        if (!account.HasApplied(order.TransferId)
            && await GrainFactory.DepositReference(deposit.Reference).ClaimAsync(new DepositClaim(UserId, deposit.Amount, deposit.Currency)) is { } taken)
        {
            await commits.Durable();
            return taken;
        }

        // A deposit may be sent again at any time, so its reference is looked up in the sealed pages too.
        var sealedLine = account.HasApplied(order.TransferId) ? null : await FindSealedLineAsync(order.TransferId);

        // From here on one synchronous step: the awaits above may have let other calls change the state.
        var (known, reused) = Lookup(idempotencyKey, fingerprint);
        if ((reused ?? known?.Rejection) is { } answered)
        {
            await commits.Durable();
            return new Outcome<AccountView>(default, answered, Replayed: reused is null);
        }

        CatchUp();
        var result = account.Apply(order, clock.GetUtcNow(), sealedLine);
        if (result.Error is { } refused)
        {
            await (Remember(idempotencyKey, fingerprint, null, refused) ? commits.Changed() : commits.Durable());
            return refused;
        }

        var changed = Remember(idempotencyKey, fingerprint, order.TransferId, null) | !result.Replayed;

        var current = result.Replayed ? null : AccountViews.Current(UserId, state);
        var durable = changed ? commits.Changed() : commits.Durable();

        // A replay answers what the first deposit answered: the view right after its ledger line (the lines before it
        // are read; they never change).
        var view = current ?? AccountViews.AsOf(UserId, await LinesAsync(0, result.Entry!.Seq));
        await durable;
        if (!result.Replayed)
        {
            MilestonesMetrics.Moved("deposit", order.Amount);
        }

        return new Outcome<AccountView>(view, null, result.Replayed);
    }

    /// <summary>A key sent before with this request (its <paramref name="fingerprint"/>), or refused with another: <see cref="IdempotencyKeys"/>.</summary>
    private (IdempotencyRecord? Known, Error? Reused) Lookup(string? idempotencyKey, string fingerprint) =>
        IdempotencyKeys.Lookup(state.Keys, idempotencyKey, fingerprint);

    /// <summary>
    /// Remembers what a command under a key made, or the refusal it answered (so its retry answers the same even if
    /// the balance changed since), by the one rule (<see cref="IdempotencyKeys"/>). False if there was nothing new to
    /// remember.
    /// </summary>
    private bool Remember(string? idempotencyKey, string fingerprint, string? made, Error? refusal)
    {
        if (idempotencyKey is null || state.Keys.Exists(k => k.Key == idempotencyKey))
        {
            return false;
        }

        state.RememberKey(new IdempotencyRecord(idempotencyKey, fingerprint, null, clock.GetUtcNow(), refusal, made));
        return true;
    }

    public async Task<Outcome<Payout>> RequestPayoutAsync(Caller caller, PayoutRequest request, string? idempotencyKey = null)
    {
        var error = CanRead(caller)
            ?? Validate.All(Validate.Currency(request.Currency), Validate.Amount(request.Amount, rules));
        if (error is not null)
        {
            return error;
        }

        CatchUp();
        var fingerprint = Fingerprint.Of("payout", new { caller, request });
        var (known, reused) = Lookup(idempotencyKey, fingerprint);
        if ((reused ?? known?.Rejection) is { } answered)
        {
            await commits.Durable();
            return new Outcome<Payout>(default, answered, Replayed: reused is null);
        }

        if (known is not null)
        {
            // The payout as its first answer showed it: just asked.
            var asFirst = state.Payouts.Find(p => p.Id == known.Made)! with { Status = PayoutStatus.Pending, ClosedAt = null, Reference = null, Reason = null };
            await commits.Durable();
            return new Outcome<Payout>(asFirst, null, Replayed: true);
        }

        var (payout, refused) = account.RequestPayout("po_" + Guid.NewGuid().ToString("N"), new Money(request.Amount, request.Currency), clock.GetUtcNow(), rules.PayoutTimeout);
        var remembered = Remember(idempotencyKey, fingerprint, payout?.Id, refused);
        await (remembered || refused is null ? commits.Changed() : commits.Durable());
        return refused ?? Outcome<Payout>.Ok(payout!);
    }

    public async Task<Outcome<Payout>> ClosePayoutAsync(Caller caller, string payoutId, PayoutStatus outcome, string detail)
    {
        if (PlatformOnly(caller, "report a payout's outcome") is { } notPlatform)
        {
            return notPlatform;
        }

        var error = outcome switch
        {
            PayoutStatus.Completed => Validate.Id(detail, "reference"),
            PayoutStatus.Failed => Validate.Text(detail, "reason", Validate.MaxMessageLength),
            _ => Errors.Invalid("invalid_outcome", "outcome", "A payout is completed or failed by the platform; only its timeout voids it."),
        };
        if (error is not null)
        {
            return error;
        }

        CatchUp();
        var (payout, refused, replayed) = account.ClosePayout(payoutId, outcome, detail, clock.GetUtcNow());
        await (refused is null && !replayed ? commits.Changed() : commits.Durable());
        if (payout is { Status: PayoutStatus.Completed } && !replayed)
        {
            MilestonesMetrics.Moved("payout", new Money(payout.Amount, payout.Currency));
        }

        return refused ?? new Outcome<Payout>(payout, null, replayed);
    }

    public async Task<Outcome<PayoutPage>> GetPayoutsAsync(Caller caller, PayoutStatus? status, long after, int limit)
    {
        if (CanRead(caller) is { } error)
        {
            return error;
        }

        limit = Math.Clamp(limit, 1, 500);
        CatchUp();
        var page = state.Payouts.Where(p => p.Number > after && (status is null || p.Status == status)).Take(limit + 1).ToList();
        await commits.Durable();
        return Outcome<PayoutPage>.Ok(new PayoutPage(page.Take(limit).ToList(), page.Count > limit ? page[limit - 1].Number : null));
    }

    public async Task<Outcome<AccountView>> GetAsync(Caller caller)
    {
        if (CanRead(caller) is { } error)
        {
            return error;
        }

        CatchUp();
        var view = View();
        await commits.Durable();
        return Outcome<AccountView>.Ok(view);
    }

    public async Task<Outcome<TransferPage>> GetTransfersAsync(Caller caller, long after, int limit)
    {
        if (CanRead(caller) is { } error)
        {
            return error;
        }

        limit = Math.Clamp(limit, 1, 500);
        CatchUp();
        var durable = commits.Durable();
        var page = await LinesAsync(Math.Max(after, 0), limit + 1);
        var next = page.Count > limit ? page[limit - 1].Seq : (long?)null;
        await durable;
        return Outcome<TransferPage>.Ok(new TransferPage(page.Take(limit).ToList(), next));
    }

    public async Task<TransferResult> ApplyAsync(TransferOrder order, bool resent, IReadOnlyList<OutboxEvent>? outcome = null) =>
        (await ApplyAsync([order], resent, outcome))[0];

    public Task<List<TransferResult>> ApplyAllAsync(IReadOnlyList<TransferOrder> orders, bool resent) => ApplyAsync(orders, resent);

    /// <summary>
    /// Applies the orders together (each once by its id) and answers once the write that stores them has committed,
    /// with what the first order's application decides (<paramref name="outcome"/>).
    /// </summary>
    private async Task<List<TransferResult>> ApplyAsync(IReadOnlyList<TransferOrder> orders, bool resent, IReadOnlyList<OutboxEvent>? outcome = null)
    {
        await EnsureRegisteredAsync();
        CatchUp();
        var sealedLines = new List<LedgerEntry?>(orders.Count);
        foreach (var order in orders)
        {
            sealedLines.Add(resent && !account.HasApplied(order.TransferId) ? await FindSealedLineAsync(order.TransferId) : null);
        }

        var now = clock.GetUtcNow();
        var results = orders.Select((order, i) => account.Apply(order, now, sealedLines[i])).ToList();
        if (results[0] is { Succeeded: true, Replayed: false })
        {
            state.Carried.AddRange(outcome ?? []);
        }

        await (results.Any(r => r.Succeeded && !r.Replayed) ? commits.Changed() : commits.Durable());
        return results;
    }

    /// <summary>
    /// The capture's legs are credited: no longer in transit. Not written now: a settlement only saves the ledger check
    /// a question (it counts a leg in transit unless its destination has applied it, <see cref="LedgerGrain"/>), so
    /// losing one to a crash loses nothing. The account's next write stores it, or its deactivation.
    /// </summary>
    public Task SettleAsync(string transferId)
    {
        settledUnsaved |= account.Settle(transferId);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (settledUnsaved)
        {
            try
            {
                await commits.Changed();
            }
            catch (Exception ex)
            {
                LogSettlementNotSaved(ex, Key);
            }
        }
    }

    public async Task<bool> HasAppliedAsync(string transferId)
    {
        var durable = commits.Durable();
        var applied = account.HasApplied(transferId) || await FindSealedLineAsync(transferId) is not null;
        await durable;
        return applied;
    }

    public async Task<AccountReport> ReportAsync()
    {
        CatchUp();
        var totals = state.Balances
            .Select(b => new AccountTotals(b.Key, b.Value.Available, b.Value.Held, b.Value.Deposited, b.Value.PaidOut, b.Value.Pending, b.Value.PayingOut))
            .ToList();
        var inTransit = state.InTransit
            .Select(l => new InTransitTransfer(l.Key, l.Value.Account, l.Value.Amount.Currency, l.Value.Amount.Amount, l.Value.Source))
            .ToList();
        await commits.Durable();
        return new AccountReport(totals, inTransit);
    }

    /// <summary>Registers with the ledger check before the first money lands: a crash in between leaves an empty account registered, never money unseen.</summary>
    private Task EnsureRegisteredAsync() => state.Registered ? Task.CompletedTask : registering ??= RegisterAsync();

    private async Task RegisterAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IAccountRegistryGrain>(AccountRegistryGrain.ShardOf(Key)).RegisterAsync(Key);
            state.Registered = true;
        }
        catch
        {
            registering = null;
            throw;
        }
    }

    /// <summary>
    /// Writes the account's row, its new lines into its stream with it. Where the ledger has passed the next multiple
    /// of <see cref="StorageLayout.HoldsSnapshotLines"/>, the holds open after that line and the credits pending now go
    /// first into the slot the row does not count (over anything an interrupted snapshot left: <see cref="GrainRows"/>),
    /// and the row counts it.
    /// </summary>
    private async Task WriteAsync()
    {
        var asOf = account.LineCount / StorageLayout.HoldsSnapshotLines * StorageLayout.HoldsSnapshotLines;
        if (asOf > state.HoldsAsOf)
        {
            var holds = new Dictionary<string, Hold>(snapshotHolds);
            foreach (var line in state.Entries.Where(e => e.Seq > state.HoldsAsOf && e.Seq <= asOf))
            {
                Account.ApplyToHolds(holds, line);
            }

            var slot = 1 - state.HoldsSlot;
            var row = holdsRows[slot] ??= new GrainState<HoldsSnapshot>(new HoldsSnapshot());
            row.State = new HoldsSnapshot { AsOfLine = asOf, Holds = holds, Pending = [.. state.Pending], PendingAsOf = account.LineCount };
            await rows.WriteUncountedRowAsync(StorageLayout.AccountHolds(slot), this.GetGrainId(), row);
            (state.HoldsAsOf, state.HoldsSlot, snapshotHolds, state.PendingKeptInRow) = (asOf, slot, holds, false);
        }

        settledUnsaved = false;
        await store.WriteStateAsync();
    }

    /// <summary>
    /// The line that applied <paramref name="transferId"/>, if it lies before the lines in memory (which
    /// <see cref="Account"/> searches itself): in the stream, or where an earlier build stored it.
    /// </summary>
    private async Task<LedgerEntry?> FindSealedLineAsync(string transferId)
    {
        if (state.EarlierLines == 0)
        {
            return null;
        }

        if (state.EarlierLines > StreamFrom && await ledger.FindLineAsync(Stream, transferId) is { } line && line.Seq <= state.EarlierLines)
        {
            return line;
        }

        return state.Tail.Find(l => l.Order.TransferId == transferId && l.Seq <= state.EarlierLines) ?? await FindInEarlierPagesAsync(transferId);
    }

    /// <summary>
    /// The line of <paramref name="transferId"/> in a page an earlier build sealed. Its <see cref="LedgerLineRef"/> names
    /// the line (under the name a still earlier build gave it, if that one sealed pages), and the page must hold that id
    /// there: a reference an interrupted seal left, never counted, finds nothing.
    /// </summary>
    private async Task<LedgerEntry?> FindInEarlierPagesAsync(string transferId)
    {
        var sealedLines = Math.Min((long)state.SealedPages * StorageLayout.LedgerPageSize, state.EarlierLines);
        if (sealedLines == 0)
        {
            return null;
        }

        // Both names at once where a still earlier build sealed pages (the store answers concurrent reads in one statement).
        string[] names = state.ShortLineRefsFrom > 0 ? [StorageLayout.LedgerLine(transferId), StorageLayout.EarlierLedgerLine(transferId)] : [StorageLayout.LedgerLine(transferId)];
        var refs = await Task.WhenAll(names.Select(name => rows.ReadRowAsync<LedgerLineRef>(name, this.GetGrainId())));
        var found = refs.FirstOrDefault(row => row.RecordExists) ?? refs[0];
        var seq = found.State!.Seq;
        if (seq < 1 || seq > sealedLines)
        {
            return null;
        }

        var page = await ReadPageAsync((int)((seq - 1) / StorageLayout.LedgerPageSize));
        var line = page.State!.Entries.ElementAtOrDefault((int)((seq - 1) % StorageLayout.LedgerPageSize));
        return line?.Seq == seq && line.Order.TransferId == transferId ? line : null;
    }

    /// <summary>Up to <paramref name="count"/> ledger lines after line <paramref name="after"/>, as of now: stored ones, then those in memory.</summary>
    private async Task<List<LedgerEntry>> LinesAsync(long after, long count)
    {
        after = Math.Min(after, account.LineCount);
        var end = Math.Min(after + count, account.LineCount);
        var lines = await StoredLinesAsync(after, Math.Min(end, state.EarlierLines));
        var from = Math.Max(after, state.EarlierLines);
        lines.AddRange(state.Entries.GetRange(InMemory(from), (int)Math.Max(0, end - from)));
        return lines;
    }

    /// <summary>
    /// The stored lines after line <paramref name="after"/> up to line <paramref name="end"/>: those of pages an earlier
    /// build sealed (read a few at a time), of the tail it left in the row, and of the stream.
    /// </summary>
    private async Task<List<LedgerEntry>> StoredLinesAsync(long after, long end)
    {
        var lines = new List<LedgerEntry>();
        var sealedEnd = Math.Min(end, (long)state.SealedPages * StorageLayout.LedgerPageSize);
        for (var number = (int)(after / StorageLayout.LedgerPageSize); (long)number * StorageLayout.LedgerPageSize < sealedEnd; number += PagesReadAtOnce)
        {
            var read = await Task.WhenAll(Enumerable.Range(number, PagesReadAtOnce)
                .TakeWhile(n => (long)n * StorageLayout.LedgerPageSize < sealedEnd)
                .Select(ReadPageAsync));
            lines.AddRange(read.SelectMany(p => p.State!.Entries).Where(e => e.Seq > after && e.Seq <= sealedEnd));
        }

        lines.AddRange(state.Tail.Where(e => e.Seq > after && e.Seq <= end));
        for (var from = Math.Max(after, StreamFrom); from < end;)
        {
            var limit = (int)Math.Min(LinesReadAtOnce, end - from);
            var read = await ledger.ReadLinesAsync(Stream, from, limit);
            lines.AddRange(read.Where(e => e.Seq <= end));
            from = read.Count == limit ? read[^1].Seq : end;
        }

        return lines;
    }

    /// <summary>The index in memory of the line after line <paramref name="seq"/>.</summary>
    private int InMemory(long seq) => (int)(seq - state.EarlierLines);

    private Task<GrainState<LedgerPage>> ReadPageAsync(int number) => rows.ReadRowAsync<LedgerPage>(StorageLayout.LedgerPage(number), this.GetGrainId());

    /// <summary>Woken because a pending credit's security period has ended: it becomes available, durably.</summary>
    public Task WakeAsync()
    {
        CatchUp();
        return commits.Durable();
    }

    /// <summary>Time first: pending credits due by now become available before anything reads or changes the account.</summary>
    private void CatchUp()
    {
        if (account.CatchUp(clock.GetUtcNow()))
        {
            commits.Changed().Ignore();
        }
    }

    /// <summary>A command only the platform gives: its owner is told so; anyone else learns nothing (not found).</summary>
    private Error? PlatformOnly(Caller caller, string action) =>
        caller.IsPlatform ? null
        : caller.UserId == UserId && !GrainKeys.IsFeeAccount(Key) ? Errors.PlatformOnly(action)
        : Errors.AccountNotFound();

    /// <summary>A user reads its own account; a fee account is the platform's only.</summary>
    private Error? CanRead(Caller caller) =>
        caller.IsPlatform ? null
        : GrainKeys.IsFeeAccount(Key) ? Errors.PlatformOnly("read the platform's fees")
        : caller.UserId == UserId ? null
        : Errors.AccountNotFound();

    private AccountView View() => AccountViews.Current(UserId, state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlements of {Account} were not saved on deactivation; the ledger check asks their destinations instead")]
    private partial void LogSettlementNotSaved(Exception exception, string account);
}
