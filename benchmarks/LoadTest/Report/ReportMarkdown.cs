using System.Globalization;
using System.Text;
using Milestones.LoadTest.Results;

namespace Milestones.LoadTest.Report;

/// <summary>The benchmark report: every figure in tables, the ratios, and the chart beside it.</summary>
internal static class ReportMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] Scenarios = ["fund", "lifecycle"];
    private static readonly bool[] ColdThenWarm = [false, true];

    public static string Render(BenchmarkRun run, Figures figures, string name, string machine, string command, string note)
    {
        var md = new StringBuilder();
        md.Append(Invariant, $"# Benchmark {name}\n\n**{note}**\n\nCommand: `{command}`  \nMachine: {machine}\n\n");
        md.Append("Over HTTP with `benchmarks/LoadTest`, durable (synchronous commit). `fund`: one `POST …/milestones/m1/fund` of a ");
        md.Append("ready contract per operation; `lifecycle`: create → accept ×2 → fund → submit → approve per operation. ");
        md.Append("**cold**: the first load test of a fresh server process (fund: on contracts an earlier process prepared); ");
        md.Append("**warm**: a later load test in the same process. Latencies in ms, of successful operations.\n\n");
        md.Append(Tables(run, figures));
        md.Append("\n## Ratios (issue 11's targets)\n\n");
        foreach (var ratio in figures.Ratios)
        {
            md.Append(ratio.Text).Append('\n');
        }

        md.Append(Invariant, $"\n![ops/s against concurrency, cold and warm; a fresh process's first seconds]({name}.png)\n");
        return md.ToString();
    }

    public static string Tables(BenchmarkRun run, Figures figures)
    {
        var md = new StringBuilder();
        md.Append("| system | scenario | run | c | ops/s | p50 ms | p99 ms | errors |\n|---|---|---|--:|--:|--:|--:|---|\n");
        foreach (var system in run.Systems)
        {
            foreach (var (scenario, warm, level) in Levels(system))
            {
                md.Append(Invariant, $"| {system.Label} | {scenario} | {(warm ? "warm" : "cold")} | {level.Concurrency} | {level.OpsPerSecond:#,0.#} | ");
                md.Append(Invariant, $"{level.P50Ms:0.00} | {level.P99Ms:0.00} | {Errors(level)} |\n");
            }
        }

        foreach (var (clients, tps) in run.Pgbench)
        {
            md.Append(Invariant, $"| pgbench single-row upsert (ceiling) | — | — | {clients} | {tps:#,0} | | | |\n");
        }

        var stepNames = run.Systems.SelectMany(s => Levels(s)).Where(l => l.Level.Steps is not null).SelectMany(l => l.Level.Steps!.Keys).Distinct().ToArray();
        if (stepNames.Length > 0)
        {
            md.Append("\nLifecycle per step, p50 / p99 ms:\n\n| system | run | c | ").AppendJoin(" | ", stepNames).Append(" |\n|---|---|--:|");
            md.Append(string.Concat(stepNames.Select(_ => "--:|"))).Append('\n');
            foreach (var system in run.Systems)
            {
                foreach (var (_, warm, level) in Levels(system).Where(l => l.Level.Steps is not null))
                {
                    md.Append(Invariant, $"| {system.Label} | {(warm ? "warm" : "cold")} | {level.Concurrency} | ");
                    md.AppendJoin(" | ", stepNames.Select(n => level.Steps!.TryGetValue(n, out var s) ? string.Create(Invariant, $"{s.P50Ms:0.0} / {s.P99Ms:0.0}") : ""));
                    md.Append(" |\n");
                }
            }
        }

        var hooked = run.Systems.Where(s => s.FundWebhook is { Levels.Count: > 0 }).ToArray();
        if (hooked.Length > 0)
        {
            md.Append("\nFund with one webhook endpoint: a receiver in the load tester, subscribed to every event, answers each delivery at once. ");
            md.Append("Warm: the same process right after the warm fund run, with the same levels and bounds, on contracts it prepared ");
            md.Append("between the two (so only the measured traffic is delivered); ÷ warm is against that warm run at the same concurrency. ");
            md.Append("CPU: milliseconds per funding used by the server and by the load tester (its clients and, with the webhook, the ");
            md.Append("receiver) during the measured run, warm without → with the webhook; both share this machine's cores:\n\n");
            md.Append("| system | c | ops/s | ÷ warm | p50 ms | p99 ms | CPU ms server / load tester | errors |\n|---|--:|--:|--:|--:|--:|--:|---|\n");
            foreach (var system in hooked)
            {
                foreach (var level in system.FundWebhook!.Levels)
                {
                    var warm = Figures.At(system.FundWarm, level.Concurrency);
                    md.Append(Invariant, $"| {system.Label} | {level.Concurrency} | {level.OpsPerSecond:#,0.#} | {Against(level, warm)} | ");
                    md.Append(Invariant, $"{level.P50Ms:0.00} | {level.P99Ms:0.00} | {(warm is null ? "" : MarkdownReport.Cpu(warm) + " → ")}{MarkdownReport.Cpu(level)} | {Errors(level)} |\n");
                }

                if (Figures.Best(system.FundWebhook) is { } best && Figures.Best(system.FundWarm) is { } plain)
                {
                    md.Append(Invariant, $"| {system.Label} | best: {best.Concurrency} (warm: {plain.Concurrency}) | {best.OpsPerSecond:#,0.#} | {Against(best, plain)} | | | | |\n");
                }
            }

            foreach (var system in hooked.Where(s => s.FundWebhook!.Webhook is not null))
            {
                md.Append(Invariant, $"\n{system.Label}: {system.FundWebhook!.Webhook!.Describe()} (lag: receipt − the event's `at`, warm-ups included).\n");
            }
        }

        var ramps = run.Systems.Select(s => (s, Figures.Ramp(s))).Where(r => r.Item2 is not null).ToArray();
        if (ramps.Length > 0)
        {
            md.Append("\nA fresh process's first seconds of fund traffic (successful fundings in each second; its first load test, on contracts ");
            md.Append("an earlier process prepared):\n\n| system | c | fundings in second 1, 2, 3, … | warm ops/s | seconds to 80% of warm |\n|---|--:|---|--:|--:|\n");
            foreach (var (system, ramp) in ramps)
            {
                md.Append(Invariant, $"| {system.Label} | {ramp!.Concurrency} | {string.Join(", ", ramp.PerSecond.Take(10))} | {ramp.Warm:#,0} | ");
                md.Append(ramp.SecondsTo80 is { } s ? s.ToString(Invariant) : "—").Append(" |\n");
            }
        }

        if (run.Activations.Count > 0)
        {
            md.Append("\nActivation on PostgreSQL (in-process silo; history built untimed, grain deactivated, first call of the new activation):\n\n");
            md.Append("| grain | history | first call ms |\n|---|---|--:|\n");
            foreach (var a in run.Activations)
            {
                md.Append(Invariant, $"| {a.Grain} | {a.Description} | {a.FirstCallMs:0.00} |\n");
            }
        }

        if (run.BytesPerContract is { } bytes)
        {
            md.Append(Invariant, $"\nMemory per activated contract grain: {bytes:#,0} bytes.\n");
        }

        return md.ToString();
    }

    private static IEnumerable<(string Scenario, bool Warm, LevelResult Level)> Levels(SystemRuns system) =>
        from scenario in Scenarios
        from warm in ColdThenWarm
        from level in system.Get(scenario, warm)?.Levels ?? []
        select (scenario, warm, level);

    private static string Against(LevelResult level, LevelResult? plain) =>
        plain is { OpsPerSecond: > 0 } ? (level.OpsPerSecond / plain.OpsPerSecond).ToString("0.00", Invariant) : "—";

    private static string Errors(LevelResult level) => level.Errors == 0
        ? level.Ops == 0 ? "0 (nothing run: no prepared contracts left)" : "0"
        : string.Create(Invariant, $"{level.Errors}: {string.Join(", ", level.ErrorsByCode.Select(e => string.Create(Invariant, $"{e.Key} {e.Value}")))}");
}
