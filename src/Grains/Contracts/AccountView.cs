using Milestones.Domain;

namespace Milestones.Contracts;

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.HoldView")]
public sealed record HoldView(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string MilestoneId,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset At);

/// <summary>Money in its security period: <see cref="Amount"/> becomes available at <see cref="AvailableAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("ms.PendingReleaseView")]
public sealed record PendingReleaseView(
    [property: Id(0)] string TransferId,
    [property: Id(1)] long Amount,
    [property: Id(2)] DateTimeOffset AvailableAt);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.BalanceView")]
public sealed record BalanceView(
    [property: Id(0)] string Currency,
    [property: Id(1)] long Available,
    [property: Id(2)] long Held,
    [property: Id(3)] IReadOnlyList<HoldView> Holds,
    [property: Id(4)] long Pending,
    [property: Id(5)] IReadOnlyList<PendingReleaseView> PendingReleases,
    [property: Id(6)] long PayingOut);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.AccountView")]
public sealed record AccountView([property: Id(0)] string UserId, [property: Id(1)] IReadOnlyList<BalanceView> Balances);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferPage")]
public sealed record TransferPage([property: Id(0)] IReadOnlyList<LedgerEntry> Entries, [property: Id(1)] long? NextAfter);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Deposit")]
public sealed record Deposit(
    [property: Id(0)] long Amount,
    [property: Id(1)] string Currency,
    [property: Id(2)] string Reference);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.PayoutRequest")]
public sealed record PayoutRequest([property: Id(0)] long Amount, [property: Id(1)] string Currency);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.PayoutPage")]
public sealed record PayoutPage([property: Id(0)] IReadOnlyList<Payout> Items, [property: Id(1)] long? NextAfter);
