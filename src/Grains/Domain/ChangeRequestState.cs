namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.ChangeRequestStatus")]
public enum ChangeRequestStatus
{
    Open,
    Accepted,
    Declined,
    Withdrawn,

    /// <summary>Still open when the contract ended or completed: it can no longer be decided.</summary>
    Cancelled,
}

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.ChangeRequestState")]
public sealed class ChangeRequestState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public ChangeRequestStatus Status { get; set; }
    [Id(2)] public string Message { get; set; } = "";
    [Id(3)] public List<ChangeOperation> Operations { get; set; } = [];
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? DecidedAt { get; set; }
    [Id(6)] public string? DecisionMessage { get; set; }
}
