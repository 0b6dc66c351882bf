using HdrHistogram;

namespace Milestones.LoadTest.Metrics;

/// <summary>
/// The latencies of one kind of call, in nanoseconds, in an HdrHistogram (1 µs to 10 min, 3 significant digits, so a
/// reported value is within 0.1% of the recorded one; longer calls count as 10 min). Any thread records at any time;
/// <see cref="Snapshot"/> (the live progress line, the results) adds what was recorded since the last one to a running
/// total through HdrHistogram's <see cref="Recorder"/>, so reading never races recording.
/// </summary>
internal sealed class Latencies
{
    private static readonly long Highest = (long)TimeSpan.FromMinutes(10).TotalNanoseconds;
    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1_000).WithValuesUpTo(Highest).WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();
    private readonly HistogramBase _total = HistogramFactory.With64BitBucketSize().WithValuesFrom(1_000).WithValuesUpTo(Highest).WithPrecisionOf(3).Create();
    private readonly Lock _lock = new();
    private HistogramBase? _interval;

    public void Record(long nanoseconds) => _recorder.RecordValue(Math.Clamp(nanoseconds, 0, Highest));

    /// <summary>A copy of everything recorded so far.</summary>
    public HistogramBase Snapshot()
    {
        lock (_lock)
        {
            _interval = _interval is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_interval);
            _total.Add(_interval);
            return _total.Copy();
        }
    }
}
