namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.ChangeOperationKind")]
public enum ChangeOperationKind
{
    Add,
    Edit,
    Delete,
}

/// <summary>One proposed change to the milestones: add, edit (only the fields given) or delete.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ChangeOperation")]
public sealed record ChangeOperation(
    [property: Id(0)] ChangeOperationKind Op,
    [property: Id(1)] string? MilestoneId = null,
    [property: Id(2)] string? Description = null,
    [property: Id(3)] DateOnly? DueDate = null,
    [property: Id(4)] long? Amount = null,
    [property: Id(5)] int? Position = null);
