using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>A line of a user's "My Jobs" list.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractSummary")]
public sealed record ContractSummary(
    [property: Id(0)] string ContractId,
    [property: Id(1)] PartyRole Role,
    [property: Id(2)] string Title,
    [property: Id(3)] ContractStatus Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] long Version);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractSummaryPage")]
public sealed record ContractSummaryPage([property: Id(0)] IReadOnlyList<ContractSummary> Items, [property: Id(1)] string? NextCursor);
