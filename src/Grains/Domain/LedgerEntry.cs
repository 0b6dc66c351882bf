namespace Milestones.Domain;

/// <summary>One applied transfer on an account, with the balances it left behind.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] TransferOrder Order,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] long AvailableAfter,
    [property: Id(4)] long HeldAfter,
    [property: Id(5)] long PendingAfter = 0,
    [property: Id(6)] long PayingOutAfter = 0);
