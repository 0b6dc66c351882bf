using System.ComponentModel.DataAnnotations;
using Milestones.Domain;

namespace Milestones;

/// <summary>The <c>Milestones</c> configuration section: the product's rules that operators may tune.</summary>
public sealed class MilestonesOptions
{
    public const string Section = "Milestones";

    /// <summary>How long after a submission the funds are released if the client does nothing.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ReviewPeriod { get; set; } = ContractRules.Default.ReviewPeriod;

    /// <summary>The largest amount of one milestone, in minor units.</summary>
    [Range(1, long.MaxValue / 1000)]
    public long MaxAmount { get; set; } = ContractRules.Default.MaxAmount;

    [Range(1, 1000)]
    public int MaxMilestones { get; set; } = ContractRules.Default.MaxMilestones;

    /// <summary>How often the due grains are looked for and woken (an auto-release is late by at most this much).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan WakeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>In Development, how often each silo reads the sandbox clock's stored offset (it also reads it once before its first call).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SandboxClockRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long money released to a freelancer (or a bonus) stays pending before it becomes available.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan SecurityPeriod { get; set; } = ContractRules.Default.SecurityPeriod;

    /// <summary>How long a payout may wait for the provider's outcome before it is voided and its money returned.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan PayoutTimeout { get; set; } = ContractRules.Default.PayoutTimeout;

    /// <summary>How long the platform's event feed keeps an event (at least 30 days).</summary>
    [Range(typeof(TimeSpan), "30.00:00:00", "3650.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The rules, with the fee schedule of the <c>Fees</c> section.</summary>
    public ContractRules RulesWith(FeesOptions fees) =>
        new(ReviewPeriod, MaxAmount, MaxMilestones) { SecurityPeriod = SecurityPeriod, PayoutTimeout = PayoutTimeout, Fees = fees.Schedule };

    public ContractRules Rules => RulesWith(new FeesOptions());
}

/// <summary>The <c>Fees</c> configuration section: the fee schedule, in basis points, that contracts pin when they become active.</summary>
public sealed class FeesOptions
{
    public const string Section = "Fees";

    /// <summary>Deducted from every release and bonus the freelancer is paid (default 1000 = 10%).</summary>
    [Range(0, FeeSchedule.MaxBps)]
    public int FreelancerServiceFeeBps { get; set; } = FeeSchedule.Default.FreelancerServiceFeeBps;

    /// <summary>Paid by the client on top of every amount released (held with the milestone; default 300 = 3%).</summary>
    [Range(0, FeeSchedule.MaxBps)]
    public int ClientFeeBps { get; set; } = FeeSchedule.Default.ClientFeeBps;

    public FeeSchedule Schedule => new(FreelancerServiceFeeBps, ClientFeeBps);
}
