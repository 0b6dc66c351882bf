namespace Milestones.Domain;

/// <summary>The configurable limits the contract rules are checked against.</summary>
public sealed record ContractRules(TimeSpan ReviewPeriod, long MaxAmount, int MaxMilestones)
{
    public static readonly ContractRules Default = new(TimeSpan.FromDays(14), 1_000_000_000_00, 100);
}
