using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Results;

/// <summary>
/// One concurrency level's measured run. <c>Ops</c> counts successful operations; <c>OpsPerSecond</c> is that over the
/// measured seconds; latencies (ms) are of successful operations; <c>ErrorsByCode</c> counts failed calls.
/// </summary>
internal sealed record LevelResult(
    int Concurrency,
    long Ops,
    long Errors,
    double Seconds,
    double OpsPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double MeanMs,
    SortedDictionary<string, long> ErrorsByCode,
    IReadOnlyDictionary<string, LatencySummary>? Steps,
    bool Complete)
{
    public static LevelResult From(int concurrency, PhaseOutcome measured, IReadOnlyList<string> steps)
    {
        var operations = LatencySummary.From(measured.Recorder.MergedOperations());
        var seconds = measured.Elapsed.TotalSeconds;
        var perStep = steps.Count > 1
            ? steps.Select((name, i) => (name, LatencySummary.From(measured.Recorder.MergedStep(i)))).ToDictionary(s => s.name, s => s.Item2)
            : null;
        return new LevelResult(
            concurrency,
            operations.Count,
            measured.Recorder.Errors.Total,
            Math.Round(seconds, 3),
            Math.Round(seconds > 0 ? operations.Count / seconds : 0, 1),
            operations.P50Ms,
            operations.P95Ms,
            operations.P99Ms,
            operations.MaxMs,
            operations.MeanMs,
            measured.Recorder.Errors.Snapshot(),
            perStep,
            !measured.Cancelled);
    }
}
