namespace Milestones.Domain;

/// <summary>
/// One side of a transfer, addressed to one account. <see cref="TransferId"/> makes it idempotent. A capture names
/// where its money goes (<see cref="Legs"/>: the freelancer's net amount and each fee, each credited under its own
/// transfer id); what it takes from the hold beyond them returns to the account's available balance. A credit with
/// <see cref="AvailableAt"/> is pending until then (the security period).
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferOrder")]
public sealed record TransferOrder(
    [property: Id(0)] string TransferId,
    [property: Id(1)] TransferKind Kind,
    [property: Id(2)] Money Amount,
    [property: Id(3)] string? ContractId = null,
    [property: Id(4)] string? MilestoneId = null,
    [property: Id(5)] string? Counterparty = null,
    [property: Id(6)] IReadOnlyList<TransferLeg>? Legs = null,
    [property: Id(7)] DateTimeOffset? AvailableAt = null)
{
    public string HoldKey => $"{ContractId}/{MilestoneId}";

    /// <summary>The money that leaves for other accounts.</summary>
    public long Leaving => Legs?.Sum(l => l.Amount) ?? 0;

    /// <summary>Value equality, legs included (a record compares a list by reference): a replay sends equal legs.</summary>
    public bool Equals(TransferOrder? other) =>
        other is not null
        && TransferId == other.TransferId && Kind == other.Kind && Amount == other.Amount
        && ContractId == other.ContractId && MilestoneId == other.MilestoneId && Counterparty == other.Counterparty
        && AvailableAt == other.AvailableAt
        && (Legs ?? []).SequenceEqual(other.Legs ?? []);

    public override int GetHashCode() => HashCode.Combine(TransferId, Kind, Amount, ContractId, MilestoneId);
}

/// <summary>Money a capture sends to another account (<see cref="Account"/>, an account grain's key), credited there as <see cref="TransferId"/>.</summary>
[GenerateSerializer, Immutable, Alias("ms.TransferLeg")]
public sealed record TransferLeg(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string Account,
    [property: Id(2)] long Amount);

/// <summary>Money that left an account by a capture (<see cref="Source"/>) and that its destination may not have credited yet.</summary>
[GenerateSerializer, Immutable, Alias("ms.InTransitLeg")]
public sealed record InTransitLeg(
    [property: Id(0)] string Source,
    [property: Id(1)] string Account,
    [property: Id(2)] Money Amount);

/// <summary>A credit in the security period: pending until <see cref="AvailableAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("ms.PendingCredit")]
public sealed record PendingCredit(
    [property: Id(0)] string TransferId,
    [property: Id(1)] Money Amount,
    [property: Id(2)] DateTimeOffset AvailableAt);
