namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.MilestoneStatus")]
public enum MilestoneStatus
{
    Pending,
    Funded,
    Submitted,
    Released,
    Refunded,
    Cancelled,
}
