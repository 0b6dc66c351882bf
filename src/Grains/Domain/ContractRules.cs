namespace Milestones.Domain;

/// <summary>The configurable rules contracts and accounts are checked against.</summary>
public sealed record ContractRules(TimeSpan ReviewPeriod, long MaxAmount, int MaxMilestones)
{
    public static readonly ContractRules Default = new(TimeSpan.FromDays(14), 1_000_000_000_00, 100);

    /// <summary>The fee schedule a contract pins when it becomes active.</summary>
    public FeeSchedule Fees { get; init; } = FeeSchedule.Default;

    /// <summary>How long money released to a freelancer (or a bonus) stays pending before it is available.</summary>
    public TimeSpan SecurityPeriod { get; init; } = TimeSpan.FromDays(5);

    /// <summary>How long a payout may wait for the provider's outcome before it is voided and returned.</summary>
    public TimeSpan PayoutTimeout { get; init; } = TimeSpan.FromDays(7);
}
