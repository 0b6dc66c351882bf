using Milestones.Domain;

namespace Milestones;

/// <summary>
/// The holds open after ledger line <see cref="AsOfLine"/>, a multiple of <see cref="StorageLayout.HoldsSnapshotLines"/>,
/// and the credits pending after line <see cref="PendingAsOf"/> (the ledger's length when the snapshot was written;
/// null in a snapshot an earlier build wrote, whose account's row holds its pending credits itself). Two rows take turns,
/// so the one the account's row counts is never written over by a snapshot that might not be counted.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.HoldsSnapshot")]
public sealed class HoldsSnapshot
{
    [Id(0)] public long AsOfLine { get; set; }
    [Id(1)] public Dictionary<string, Hold> Holds { get; set; } = [];
    [Id(2)] public List<PendingCredit>? Pending { get; set; }
    [Id(3)] public long PendingAsOf { get; set; }

    /// <summary>What the account restores its pending credits from (<see cref="Account.Restore"/>): null if the row holds them.</summary>
    public SealedPending? SealedPending => Pending is null ? null : new(Pending, PendingAsOf);
}

/// <summary>The credits pending after ledger line <paramref name="AsOfLine"/>, from which the lines since rebuild those pending now.</summary>
public sealed record SealedPending(IReadOnlyList<PendingCredit> Credits, long AsOfLine)
{
    /// <summary>Before the first line: none.</summary>
    public static readonly SealedPending None = new([], 0);
}

/// <summary>A page of an account's ledger an earlier build sealed: <see cref="StorageLayout.LedgerPageSize"/> lines, never changed (read only).</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.LedgerPage")]
public sealed class LedgerPage
{
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];
}

/// <summary>
/// Where an earlier build sealed a transfer id's line: its sequence number (read only). Written with its page, before
/// the row that counted the page; so a reference to a page no row counts, or to a line of another id (its page sealed
/// again after an interrupted seal), was left by a seal that never counted and says nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.LedgerLineRef")]
public sealed record LedgerLineRef([property: Id(0)] long Seq)
{
    public LedgerLineRef() : this(0L)
    {
    }
}
