using System.Diagnostics;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Metrics;

namespace Milestones.LoadTest.Running;

/// <summary>
/// One phase's measurements, shared by its workers: the latency of each successful call per step and of each successful
/// whole operation, and successful operations per second. Failed calls are counted by error key (prefixed with the step
/// when an operation has several).
/// </summary>
internal sealed class OperationRecorder
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly IReadOnlyList<string> _steps;
    private long _succeeded;

    public OperationRecorder(IReadOnlyList<string> steps, long startedTimestamp, TimeSpan duration)
    {
        _steps = steps;
        Steps = steps.Select(_ => new Latencies()).ToArray();
        Timeline = new Timeline(startedTimestamp, duration);
    }

    public Latencies Operations { get; } = new();

    public Latencies[] Steps { get; }

    public Timeline Timeline { get; }

    public ErrorCounts Errors { get; } = new();

    public long SucceededCount => Volatile.Read(ref _succeeded);

    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Records one call of step <paramref name="step"/> started at <paramref name="started"/>; true when it succeeded.</summary>
    public bool Step(int step, long started, CallResult result)
    {
        var elapsed = Since(started);
        if (result.Ok)
        {
            Steps[step].Record(elapsed);
            return true;
        }

        Errors.Add(_steps.Count > 1 ? $"{_steps[step]}:{result.ErrorKey}" : result.ErrorKey!);
        return false;
    }

    /// <summary>An operation step that failed without an HTTP error (such as a created contract without an id).</summary>
    public void Fail(int step, string key) => Errors.Add(_steps.Count > 1 ? $"{_steps[step]}:{key}" : key);

    public void Succeeded(long started)
    {
        Operations.Record(Since(started));
        Timeline.Count();
        Interlocked.Increment(ref _succeeded);
    }

    private static long Since(long started) => (long)((Stopwatch.GetTimestamp() - started) * NanosecondsPerTick);
}
