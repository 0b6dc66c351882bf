namespace Milestones.Domain;

/// <summary>The commands of the milestone-level transition table.</summary>
public enum MilestoneCommand
{
    Edit,
    Delete,
    Fund,
    Submit,
    Approve,
    RequestChanges,
    AutoRelease,
    EndRefund,
    EndRelease,
    EndCancel,
}
