using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones;

/// <summary>
/// What an account keeps in its own row: balances and captures in transit as they stand, deposit keys (with the
/// refusals they answered) and the ledger lines not yet sealed into a page. Every
/// <see cref="StorageLayout.LedgerPageSize"/> lines are sealed into a <see cref="LedgerPage"/> row of their own, with a
/// <see cref="LedgerLineRef"/> row per line that finds it by transfer id and, every
/// <see cref="StorageLayout.HoldsSnapshotPages"/> pages, the <see cref="HoldsSnapshot"/> after the last of them, all
/// written before the row that counts them. So a transfer's write costs the same however long the ledger (the open
/// holds are written once per 256 lines), and an activation reads its row, the counted snapshot and at most 15 pages.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.AccountRecord")]
public sealed class AccountRecord : IScheduledState
{
    [Id(0)] public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];
    [Id(1)] public Dictionary<string, InTransitLeg> InTransit { get; set; } = [];
    [Id(2)] public bool Registered { get; set; }
    [Id(3)] public List<AccountKey> Keys { get; set; } = [];
    [Id(4)] public int SealedPages { get; set; }
    [Id(5)] public List<LedgerEntry> Tail { get; set; } = [];
    [Id(6)] public List<Payout> Payouts { get; set; } = [];

    [Id(9)] public List<PendingCredit> Pending { get; set; } = [];

    /// <summary>When the account must be woken: its earliest pending credit's due time or payout's expiry (stored with the row).</summary>
    [Id(10)] public DateTimeOffset? WakeAt { get; set; }

    /// <summary>Which of the two <see cref="HoldsSnapshot"/> rows the row counts (the next snapshot is written to the other).</summary>
    [Id(8)] public int HoldsSlot { get; set; }
}

/// <summary>
/// The holds open after ledger line <see cref="AsOfLine"/>, the last line of every
/// <see cref="StorageLayout.HoldsSnapshotPages"/>th sealed page. Two rows take turns, so the one the account's row
/// counts is never written over by a seal that might not be counted.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.HoldsSnapshot")]
public sealed class HoldsSnapshot
{
    [Id(0)] public long AsOfLine { get; set; }
    [Id(1)] public Dictionary<string, Hold> Holds { get; set; } = [];
}

/// <summary>A sealed page of an account's ledger: <see cref="StorageLayout.LedgerPageSize"/> lines, never changed once counted.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.LedgerPage")]
public sealed class LedgerPage
{
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];
}

/// <summary>
/// Where a transfer id's line was sealed: its sequence number. Written with its page, before the row that counts the
/// page; so a reference to a page no row counts, or to a line of another id (its page sealed again after an
/// interrupted seal), was left by a seal that never counted and says nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.LedgerLineRef")]
public sealed record LedgerLineRef([property: Id(0)] long Seq)
{
    public LedgerLineRef() : this(0L)
    {
    }
}
