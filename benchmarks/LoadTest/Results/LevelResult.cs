using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Results;

/// <summary>
/// One concurrency level's measured run. <c>Ops</c> counts successful operations; <c>OpsPerSecond</c> is that over the
/// measured seconds; latencies (ms) are of successful operations; <c>ErrorsByCode</c> counts failed calls;
/// <c>PerSecond</c> holds the successful operations finished in each second of the run.
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
    IReadOnlyList<long> PerSecond,
    bool Complete)
{
    public static LevelResult From(int concurrency, PhaseOutcome measured, IReadOnlyList<string> steps)
    {
        var recorder = measured.Recorder;
        var operations = LatencySummary.From(recorder.Operations.Snapshot());
        var seconds = measured.Elapsed.TotalSeconds;
        var perStep = steps.Count > 1
            ? steps.Select((name, i) => (name, LatencySummary.From(recorder.Steps[i].Snapshot()))).ToDictionary(s => s.name, s => s.Item2)
            : null;
        return new LevelResult(
            concurrency,
            operations.Count,
            recorder.Errors.Total,
            Math.Round(seconds, 3),
            Math.Round(seconds > 0 ? operations.Count / seconds : 0, 1),
            operations.P50Ms,
            operations.P95Ms,
            operations.P99Ms,
            operations.MaxMs,
            operations.MeanMs,
            recorder.Errors.Snapshot(),
            perStep,
            recorder.Timeline.PerSecond(measured.Elapsed),
            !measured.Cancelled);
    }
}
