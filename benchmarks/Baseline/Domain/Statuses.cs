namespace Milestones.Baseline.Domain;

/// <summary>Contract statuses as stored and as shown on the wire (lowercase snake_case).</summary>
internal static class ContractStatus
{
    public const string Draft = "draft";
    public const string Active = "active";
    public const string Completed = "completed";
}

/// <summary>Milestone statuses as stored and as shown on the wire.</summary>
internal static class MilestoneStatus
{
    public const string Pending = "pending";
    public const string Funded = "funded";
    public const string Submitted = "submitted";
    public const string Released = "released";
}

/// <summary>Who the caller is on one contract.</summary>
internal enum PartyRole
{
    Stranger,
    Client,
    Freelancer,
    Platform,
}
