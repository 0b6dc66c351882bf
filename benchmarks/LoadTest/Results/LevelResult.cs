using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Results;

/// <summary>
/// One concurrency level's measured run. <c>Ops</c> counts successful operations; <c>OpsPerSecond</c> is that over the
/// measured seconds; latencies (ms) are of successful operations; <c>ErrorsByCode</c> counts failed calls;
/// <c>PerSecond</c> holds the successful operations finished in each second of the run; <c>ServerCpuMsPerOp</c> and
/// <c>LoadTesterCpuMsPerOp</c> are the CPU milliseconds each process used during the measured run per successful
/// operation (<see cref="CpuMeter"/>; the server's is null when it does not say).
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
    bool Complete,
    double? ServerCpuMsPerOp = null,
    double? LoadTesterCpuMsPerOp = null)
{
    public static LevelResult From(int concurrency, PhaseOutcome measured, IReadOnlyList<string> steps, CpuReading before, CpuReading after)
    {
        var recorder = measured.Recorder;
        var operations = LatencySummary.From(recorder.Operations.Snapshot());
        var seconds = measured.Elapsed.TotalSeconds;
        var cpu = after.PerOperation(before, operations.Count);
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
            !measured.Cancelled,
            cpu.Server,
            cpu.LoadTester);
    }
}
