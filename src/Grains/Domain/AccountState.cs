using Milestones.Events;
using Milestones.Wakeups;

namespace Milestones.Domain;

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.CurrencyBalance")]
public sealed class CurrencyBalance
{
    [Id(0)] public long Available { get; set; }
    [Id(1)] public long Held { get; set; }
    [Id(2)] public long Deposited { get; set; }
    [Id(3)] public long PaidOut { get; set; }

    /// <summary>Credited and in the security period (<see cref="AccountState.Pending"/> itemises it).</summary>
    [Id(4)] public long Pending { get; set; }

    /// <summary>Asked out and not yet completed, failed or voided (<see cref="AccountState.Payouts"/> itemises it).</summary>
    [Id(5)] public long PayingOut { get; set; }
}

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.Hold")]
public sealed class Hold
{
    [Id(0)] public string ContractId { get; set; } = "";
    [Id(1)] public string MilestoneId { get; set; } = "";
    [Id(2)] public Money Amount { get; set; }
    [Id(3)] public DateTimeOffset At { get; set; }
}

/// <summary>
/// The state of one escrow account, as stored and in memory; behaviour lives in <see cref="Account"/>. Its row keeps
/// the balances, money in transit and payouts as they stand and how many ledger lines there are
/// (<see cref="Lines"/>). The lines themselves are the account's events, each stored once, with its event, in the
/// account's stream (<see cref="Events.ILedgerLines"/>), in the transaction of the row that counts it. Every
/// <see cref="StorageLayout.HoldsSnapshotLines"/> lines the holds open after the last of them are written to a
/// <see cref="HoldsSnapshot"/> row before the row that counts it, with the credits pending then, so an activation reads
/// its row, the counted snapshot and the lines since, and never replays its ledger: the holds and pending credits are
/// the snapshot's with those lines applied (<see cref="Account.Restore"/>). Its idempotency keys are stored apart,
/// each with what its command made (<see cref="KeysStored"/>). An earlier build kept the lines up to
/// <see cref="StreamFrom"/> in pages of their own (<see cref="SealedPages"/>) and in the row (<see cref="Tail"/>); they
/// stay there. Members without an <c>Id</c> live in memory only.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.AccountState")]
public sealed class AccountState : IScheduledState, IEventSource, IWritingState, IAnswerSource
{
    [Id(0)] public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];

    /// <summary>Legs of captures not yet settled, by the transfer id they are credited under: money on its way to another account.</summary>
    [Id(1)] public Dictionary<string, InTransitLeg> InTransit { get; set; } = [];

    /// <summary>
    /// The pending credits as the row holds them: only while the counted <see cref="HoldsSnapshot"/> holds none (an
    /// earlier build's), until the next snapshot; null otherwise (set when written).
    /// </summary>
    [Id(2)] public List<PendingCredit>? PendingInRow { get; set; }

    /// <summary>
    /// Credits in their security period, in the order they were applied. Not in the row, which every credit would
    /// make longer: restored from the counted snapshot's and the lines since (<see cref="Account.Restore"/>).
    /// </summary>
    [field: NonSerialized]
    public List<PendingCredit> Pending { get; set; } = [];

    /// <summary>The row holds the pending credits (<see cref="PendingInRow"/>): its counted snapshot does not.</summary>
    [field: NonSerialized]
    public bool PendingKeptInRow { get; set; }

    /// <summary>Whether the ledger check knows this account exists.</summary>
    [Id(3)] public bool Registered { get; set; }

    /// <summary>Idempotency keys as the first builds stored them (at most 64): moved into <see cref="EarlierKeys"/> when read.</summary>
    [Id(4)] public List<AccountKey> FirstKeys { get; set; } = [];

    /// <summary>
    /// The keys an earlier build stored in the row: they stay in it until the rule forgets them. Every key remembered
    /// since is stored with what it made, in a row of its own (<see cref="IAnswerSource"/>).
    /// </summary>
    [Id(10)] public List<IdempotencyRecord> EarlierKeys { get; set; } = [];

    /// <summary>
    /// Idempotency keys of the account's recent commands (deposits, payouts), oldest first, kept by the one rule
    /// (<see cref="IdempotencyKeys"/>). Not in the row, which a busy account's keys made longer with each command (up
    /// to a day of them): read back when the account is activated (<see cref="KeysStored"/>).
    /// </summary>
    public List<IdempotencyRecord> Keys => keys.Keys;

    [NonSerialized]
    private readonly KeyMemory keys = new();

    /// <summary>
    /// Whether a key was ever stored in a row of its own: an activation reads them unless this is false (most accounts —
    /// freelancers', the platform's fee accounts — never take a keyed command, and would pay a query each time). Null
    /// in a new account and in a row a build before it wrote: the keys are read, and whether any was found is recorded.
    /// </summary>
    [Id(15)] public bool? KeysApart { get; set; }

    /// <summary>Every payout, in the order asked.</summary>
    [Id(5)] public List<Payout> Payouts { get; set; } = [];

    /// <summary>How many lines the ledger has, all stored.</summary>
    [Id(13)] public long Lines { get; set; }

    /// <summary>
    /// The line the counted <see cref="HoldsSnapshot"/> is as of: a multiple of <see cref="StorageLayout.HoldsSnapshotLines"/>
    /// (0: none). Absent from a row an earlier build wrote: set when read.
    /// </summary>
    [Id(14)] public long? HoldsAsOf { get; set; }

    /// <summary>Which of the two <see cref="HoldsSnapshot"/> rows the row counts (the next snapshot is written to the other).</summary>
    [Id(8)] public int HoldsSlot { get; set; }

    /// <summary>
    /// How many lines an earlier build stored (in <see cref="SealedPages"/> and <see cref="Tail"/>); the stream keeps
    /// those after them. Absent from a row an earlier build wrote: set when read, and never changed.
    /// </summary>
    [Id(12)] public long? StreamFrom { get; set; }

    /// <summary>How many pages of <see cref="StorageLayout.LedgerPageSize"/> lines an earlier build sealed (never more now).</summary>
    [Id(6)] public int SealedPages { get; set; }

    /// <summary>The lines an earlier build stored after its sealed pages, up to <see cref="StreamFrom"/> (never more now).</summary>
    [Id(7)] public List<LedgerEntry> Tail { get; set; } = [];

    /// <summary>
    /// The first sealed page whose lines' <see cref="LedgerLineRef"/> rows have this build's names
    /// (<see cref="StorageLayout.LedgerLine"/>); an earlier build sealed the pages before it under
    /// <see cref="StorageLayout.EarlierLedgerLine"/>. Absent only from a row an earlier build wrote: set when read.
    /// </summary>
    [Id(11)] public int? ShortLineRefsFrom { get; set; }

    /// <summary>When the account must be woken: its earliest pending credit's due time or payout's expiry (stored with the row).</summary>
    [Id(9)] public DateTimeOffset? WakeAt { get; set; }

    /// <summary>Holds keyed by "{contractId}/{milestoneId}" (in memory: <see cref="Account.Restore"/> rebuilds them).</summary>
    [field: NonSerialized]
    public Dictionary<string, Hold> Holds { get; set; } = [];

    /// <summary>
    /// The ledger lines in memory, in order: those after the counted snapshot, read when the account was activated,
    /// and every line applied since. The account statement and the idempotency record in one; earlier lines are read
    /// where they are stored when asked for.
    /// </summary>
    [field: NonSerialized]
    public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>How many lines precede <see cref="Entries"/> (all stored).</summary>
    [field: NonSerialized]
    public long EarlierLines { get; set; }

    /// <summary>How many ledger lines are stored (their events in the outbox with the row that counts them).</summary>
    [field: NonSerialized]
    private long StoredLines { get; set; }

    /// <summary>
    /// A contract's events that a change of this account decides (the outcome of a transfer of one order, such as a
    /// funding's hold): stored with the write that stores the change, so they are exactly as durable as it.
    /// </summary>
    [field: NonSerialized]
    public List<OutboxEvent> Carried { get; } = [];

    /// <summary>Each ledger line is one of the account's events; then the events it carries.</summary>
    public IReadOnlyList<OutboxEvent> Unwritten(GrainId grain)
    {
        var first = (int)Math.Max(0, StoredLines - EarlierLines);
        return first >= Entries.Count && Carried.Count == 0
            ? []
            : [.. Entries.Skip(first).Select(e => FeedEvents.Ledger(grain.Key.ToString()!, e)), .. Carried];
    }

    public void Loaded()
    {
        // The first builds' keys had no time: as the oldest, they are kept among the 64 most recent, as they were.
        EarlierKeys.InsertRange(0, FirstKeys.Select(k => new IdempotencyRecord(k.Key, AccountKey.EarlierFingerprint + k.Asked, null, DateTimeOffset.MinValue, k.Refusal, k.Made)));
        FirstKeys.Clear();
        keys.Loaded(EarlierKeys);
        ShortLineRefsFrom ??= SealedPages;
        if (StreamFrom is null)
        {
            StreamFrom = Lines = ((long)SealedPages * StorageLayout.LedgerPageSize) + Tail.Count;
            HoldsAsOf = (long)SealedPages * StorageLayout.LedgerPageSize / StorageLayout.HoldsSnapshotLines * StorageLayout.HoldsSnapshotLines;
        }

        StoredLines = Lines;
        Carried.Clear();
        Pending = PendingInRow ?? [];
    }

    /// <summary>
    /// The row counts the lines in memory and wakes for the earliest due time, as they are when it is written; it
    /// holds the pending credits only while its snapshot does not.
    /// </summary>
    public void Writing()
    {
        Lines = EarlierLines + Entries.Count;
        WakeAt = NextDue;
        PendingInRow = PendingKeptInRow ? Pending : null;
    }

    /// <summary>When the account must be woken: its earliest pending credit's due time or pending payout's expiry.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var credit in Pending)
            {
                next = credit.AvailableAt < next || next is null ? credit.AvailableAt : next;
            }

            foreach (var payout in Payouts)
            {
                if (payout.Status == PayoutStatus.Pending && (payout.ExpiresAt < next || next is null))
                {
                    next = payout.ExpiresAt;
                }
            }

            return next;
        }
    }

    public void Written(IReadOnlyList<OutboxEvent> events)
    {
        StoredLines = Math.Max(StoredLines, events.Where(e => !Carried.Contains(e)).Select(e => e.Seq).DefaultIfEmpty().Max());
        Carried.RemoveAll(events.Contains);
    }

    /// <summary>The keys stored with what they made (<see cref="IRememberedAnswers.ReadKeysAsync"/>) join those of the row (<see cref="KeyMemory.Stored"/>).</summary>
    public void KeysStored(IReadOnlyList<IdempotencyRecord> stored)
    {
        keys.Stored(EarlierKeys, stored);
        KeysApart ??= stored.Count > 0;
    }

    /// <summary>Remembers a command's key with what it made or the refusal it answered, stored by the row's next write.</summary>
    public void RememberKey(IdempotencyRecord record)
    {
        keys.Remember(record, KeptAnswer.Of(record, null), EarlierKeys);
        KeysApart = true;
    }

    public (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers() => keys.UnwrittenAnswers();

    public void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten) => keys.AnswersWritten(remembered, forgotten);

    public bool AnswersBesideEvents => false;
}

/// <summary>
/// An idempotency key as an earlier build stored it (what it asked as text, no time): read only, to be moved into
/// <see cref="AccountState.EarlierKeys"/>. Its text is not a fingerprint of today's requests, so a retry of such a key is
/// refused as reused (nothing changes) rather than replayed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.AccountKey")]
public sealed record AccountKey(
    [property: Id(0)] string Key,
    [property: Id(1)] string Asked,
    [property: Id(2)] string? Made = null,
    [property: Id(3)] Error? Refusal = null)
{
    public const string EarlierFingerprint = "asked:";
}
