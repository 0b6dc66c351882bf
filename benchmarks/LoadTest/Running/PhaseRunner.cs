using System.Diagnostics;
using System.Globalization;
using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Scenarios;

namespace Milestones.LoadTest.Running;

/// <summary>
/// Runs one phase with exactly <c>concurrency</c> workers, each with one operation in flight. A worker takes the next
/// operation number while fewer than <c>maxOperations</c> were taken and the phase is younger than <c>duration</c>;
/// calls in flight at the deadline finish (each is bounded by the request timeout) and count.
/// </summary>
internal static class PhaseRunner
{
    public static async Task<PhaseOutcome> RunAsync(
        IScenario scenario, string phase, int concurrency, int firstIndex, int maxOperations, TimeSpan duration,
        TextWriter progress, CancellationToken cancellation)
    {
        var taken = 0L;
        var started = Stopwatch.GetTimestamp();
        var recorder = new OperationRecorder(scenario.Steps, started, duration);
        var lastOps = 0L;
        var lastAt = started;

        string Line()
        {
            var now = Stopwatch.GetTimestamp();
            var ops = recorder.SucceededCount;
            var total = Stopwatch.GetElapsedTime(started, now).TotalSeconds;
            var recent = (ops - lastOps) / Math.Max(1e-9, Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds);
            (lastOps, lastAt) = (ops, now);
            var p99 = LatencySummary.From(recorder.Operations.Snapshot()).P99Ms;
            return string.Create(CultureInfo.InvariantCulture,
                $"[{scenario.Name} c={concurrency} {phase}] {total,5:0.0}s  ops {ops,7}  {recent,8:0}/s (avg {ops / Math.Max(total, 1e-9):0})  p99 {p99:0.00} ms  errors {recorder.Errors.Total}");
        }

        async Task WorkAsync()
        {
            while (!cancellation.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < duration)
            {
                var n = Interlocked.Increment(ref taken);
                if (n > maxOperations)
                {
                    return;
                }

                await scenario.RunOnceAsync(firstIndex + (int)(n - 1), recorder, cancellation);
            }
        }

        var cancelled = false;
        using (new ProgressTicker(progress, Line))
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                cancelled = true;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        progress.WriteLine(Line() + (cancelled ? "  (stopped)" : "  (done)"));
        return new PhaseOutcome(recorder, elapsed, (int)Math.Min(Interlocked.Read(ref taken), maxOperations), cancelled || cancellation.IsCancellationRequested);
    }
}
