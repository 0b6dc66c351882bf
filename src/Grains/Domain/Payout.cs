namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.PayoutStatus")]
public enum PayoutStatus
{
    Pending,
    Completed,
    Failed,
    Voided,
}

/// <summary>
/// Money asked out of an account's available balance to the owner's bank: paying out while
/// <see cref="PayoutStatus.Pending"/>, then completed (it left the system), failed or voided (a timeout: back to
/// available). <see cref="Number"/> orders an account's payouts.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Payout")]
public sealed record Payout(
    [property: Id(0)] string Id,
    [property: Id(1)] long Number,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] PayoutStatus Status,
    [property: Id(5)] DateTimeOffset RequestedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset? ClosedAt = null,
    [property: Id(8)] string? Reference = null,
    [property: Id(9)] string? Reason = null)
{
    /// <summary>The ledger line's transfer id for this payout's step (<c>payout/{id}</c>, <c>…/complete</c>, <c>…/fail</c>, <c>…/void</c>).</summary>
    public string TransferId(string? step = null) => step is null ? $"payout/{Id}" : $"payout/{Id}/{step}";
}
