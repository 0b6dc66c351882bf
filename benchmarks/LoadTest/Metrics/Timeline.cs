using System.Diagnostics;

namespace Milestones.LoadTest.Metrics;

/// <summary>Successful operations per whole second since a phase started (the first seconds of a fresh process show its warm-up).</summary>
internal sealed class Timeline(long startedTimestamp, TimeSpan duration)
{
    // Calls in flight at the deadline finish and count: a minute of slack past the duration, later ones in the last second.
    private readonly long[] _perSecond = new long[(int)Math.Ceiling(duration.TotalSeconds) + 60];

    public void Count()
    {
        var second = (int)Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
        Interlocked.Increment(ref _perSecond[Math.Min(second, _perSecond.Length - 1)]);
    }

    /// <summary>The counts of every second begun within <paramref name="elapsed"/> (the last one may be partial); read once the phase is over.</summary>
    public long[] PerSecond(TimeSpan elapsed) => _perSecond[..Math.Clamp((int)Math.Ceiling(elapsed.TotalSeconds), 0, _perSecond.Length)];
}
