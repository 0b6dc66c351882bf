namespace Milestones;

/// <summary>The durable reminder that releases a submitted milestone when its review period ends.</summary>
public static class AutoReleaseReminder
{
    public const string Name = "auto-release";

    /// <summary>
    /// The reminder's period: once due, it ticks again every minute (Orleans' minimum) until the release is
    /// saved and the reminder removed, so a tick that is late, lost or fails is retried.
    /// </summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
}
