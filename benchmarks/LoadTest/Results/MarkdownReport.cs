using System.Globalization;
using System.Text;
using Milestones.LoadTest.Metrics;

namespace Milestones.LoadTest.Results;

/// <summary>The run as Markdown: one row per concurrency level, and per-step latencies when an operation has several calls.</summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        md.Append(Invariant, $"### {report.Label}: {report.Scenario} against {report.Target}\n\n");
        md.Append(Invariant, $"{report.Clients} client(s); each level bounded by {report.Count} ops or {report.DurationSeconds:0.###} s; ");
        md.Append(Invariant, $"warm-up {report.WarmupSeconds:0.###} s; Idempotency-Key {(report.IdempotencyKeys ? "on" : "off")}; ");
        md.Append(Invariant, $"{report.ProcessorCount} cores; run {report.RunId}{(report.Complete ? "" : " (stopped early)")}\n\n");
        md.Append("| system | scenario | concurrency | ops | seconds | ops/s | p50 ms | p95 ms | p99 ms | max ms | CPU ms/op server / load tester | errors |\n");
        md.Append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        foreach (var l in report.Levels)
        {
            md.Append(Invariant, $"| {report.Label} | {report.Scenario} | {l.Concurrency} | {l.Ops} | {l.Seconds:0.00} | {l.OpsPerSecond:0.0} | ");
            md.Append(Invariant, $"{l.P50Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.MaxMs:0.00} | {Cpu(l)} | {Errors(l)} |\n");
        }

        if (report.Levels.Any(l => l.Steps is not null))
        {
            md.Append("\n| concurrency | step | calls | p50 ms | p95 ms | p99 ms | max ms |\n");
            md.Append("|--:|---|--:|--:|--:|--:|--:|\n");
            foreach (var l in report.Levels)
            {
                foreach (var (step, s) in l.Steps ?? new Dictionary<string, LatencySummary>())
                {
                    md.Append(Invariant, $"| {l.Concurrency} | {step} | {s.Count} | {s.P50Ms:0.00} | {s.P95Ms:0.00} | {s.P99Ms:0.00} | {s.MaxMs:0.00} |\n");
                }
            }
        }

        if (report.Webhook is { } webhook)
        {
            md.Append(Invariant, $"\nOne webhook endpoint subscribed to every event: {webhook.Describe()}.\n");
        }

        return md.ToString();
    }

    /// <summary>CPU milliseconds per operation, server / load tester (the server's "?" when it does not say).</summary>
    public static string Cpu(LevelResult level) => level.LoadTesterCpuMsPerOp is { } loadTester
        ? string.Create(Invariant, $"{(level.ServerCpuMsPerOp is { } server ? server.ToString("0.00", Invariant) : "?")} / {loadTester:0.00}")
        : "";

    private static string Errors(LevelResult level) => level.Errors == 0
        ? "0"
        : string.Create(Invariant, $"{level.Errors}: {string.Join(", ", level.ErrorsByCode.Select(e => string.Create(Invariant, $"{e.Key} {e.Value}")))}");
}
