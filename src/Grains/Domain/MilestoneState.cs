namespace Milestones.Domain;

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.MilestoneState")]
public sealed class MilestoneState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Description { get; set; } = "";
    [Id(2)] public DateOnly DueDate { get; set; }
    [Id(3)] public long Amount { get; set; }
    [Id(4)] public MilestoneStatus Status { get; set; }
    [Id(5)] public DateTimeOffset? FundedAt { get; set; }
    [Id(6)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(7)] public DateTimeOffset? AutoReleaseAt { get; set; }
    [Id(8)] public DateTimeOffset? ReleasedAt { get; set; }
    [Id(9)] public DateTimeOffset? RefundedAt { get; set; }
    [Id(10)] public string? SubmissionMessage { get; set; }
    [Id(11)] public List<string> SubmissionLinks { get; set; } = [];

    /// <summary>What its release paid (at most <see cref="Amount"/>; the rest returned to the client).</summary>
    [Id(12)] public long? ReleasedAmount { get; set; }

    public MilestoneState Copy() => (MilestoneState)MemberwiseClone();
}
