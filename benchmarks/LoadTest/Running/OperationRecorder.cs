using System.Diagnostics;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Metrics;

namespace Milestones.LoadTest.Running;

/// <summary>
/// One worker's measurements: the latency of each successful call per step and of each successful whole operation.
/// Failed calls are counted by error key (prefixed with the step when an operation has several).
/// </summary>
internal sealed class OperationRecorder(IReadOnlyList<string> steps, ErrorCounts errors)
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public LatencyHistogram Operations { get; } = new();

    public LatencyHistogram[] Steps { get; } = steps.Select(_ => new LatencyHistogram()).ToArray();

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

        errors.Add(steps.Count > 1 ? $"{steps[step]}:{result.ErrorKey}" : result.ErrorKey!);
        return false;
    }

    /// <summary>An operation step that failed without an HTTP error (such as a created contract without an id).</summary>
    public void Fail(int step, string key) => errors.Add(steps.Count > 1 ? $"{steps[step]}:{key}" : key);

    public void Succeeded(long started) => Operations.Record(Since(started));

    private static long Since(long started) => (long)((Stopwatch.GetTimestamp() - started) * NanosecondsPerTick);
}
