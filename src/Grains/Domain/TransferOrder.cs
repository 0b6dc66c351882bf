namespace Milestones.Domain;

/// <summary>One side of a transfer, addressed to one account. <see cref="TransferId"/> makes it idempotent.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferOrder")]
public sealed record TransferOrder(
    [property: Id(0)] string TransferId,
    [property: Id(1)] TransferKind Kind,
    [property: Id(2)] Money Amount,
    [property: Id(3)] string? ContractId = null,
    [property: Id(4)] string? MilestoneId = null,
    [property: Id(5)] string? Counterparty = null)
{
    public string HoldKey => $"{ContractId}/{MilestoneId}";
}
