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

    public ContractRules Rules => new(ReviewPeriod, MaxAmount, MaxMilestones);
}
