namespace Milestones.Baseline.Domain;

/// <summary>A contract row with its milestones, as read (and locked) in one transaction; the rules change it in memory.</summary>
internal sealed class ContractRow
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string ClientId { get; init; }
    public required string FreelancerId { get; init; }
    public required string Currency { get; init; }
    public required string Status { get; set; }
    public int TermsVersion { get; set; }
    public bool ClientAccepted { get; set; }
    public bool FreelancerAccepted { get; set; }
    public long Funded { get; set; }
    public long Released { get; set; }
    public long Refunded { get; set; }
    public long Version { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public List<MilestoneRow> Milestones { get; } = [];

    public long Price
    {
        get
        {
            long sum = 0;
            foreach (var m in Milestones)
            {
                sum += m.Amount;
            }

            return sum;
        }
    }

    public MilestoneRow? Find(string milestoneId) => Milestones.Find(m => m.Id == milestoneId);

    /// <summary>Every visible change bumps the version once per event, as the Milestones API does.</summary>
    public void Record(DateTime now, int events = 1)
    {
        Version += events;
        UpdatedAt = now;
    }
}

/// <summary>One milestone row.</summary>
internal sealed class MilestoneRow
{
    public required string Id { get; init; }
    public int Seq { get; init; }
    public required string Description { get; init; }
    public DateOnly DueDate { get; init; }
    public long Amount { get; init; }
    public required string Status { get; set; }
    public DateTime? FundedAt { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public DateTime? AutoReleaseAt { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public DateTime? RefundedAt { get; set; }
    public string? SubmissionMessage { get; set; }
    public string[]? SubmissionLinks { get; set; }
}
