namespace Milestones.Baseline.Hosting;

/// <summary>The <c>Baseline</c> configuration section: pool and statement cache, and the same limits as the Milestones API.</summary>
internal sealed class BaselineOptions
{
    public const string Section = "Baseline";

    /// <summary>Npgsql's bounded pool (Maximum Pool Size): at most this many transactions run at once.</summary>
    public int MaxPoolSize { get; set; } = 64;

    /// <summary>Npgsql's automatic preparation (Max Auto Prepare): statements prepared per physical connection.</summary>
    public int MaxAutoPrepare { get; set; } = 64;

    public long MaxAmount { get; set; } = 100_000_000_000;
    public int MaxMilestones { get; set; } = 100;
    public TimeSpan ReviewPeriod { get; set; } = TimeSpan.FromDays(14);
}
