using System.Globalization;
using Milestones.LoadTest.Results;

namespace Milestones.LoadTest.Report;

/// <summary>A ratio as issue 11 states its target, with the figures it is made of.</summary>
internal sealed record Ratio(string Text);

/// <summary>The figures derived from a run: the ratios the targets are stated in, and the two last lines of <c>--quick</c>.</summary>
internal sealed class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public Figures(BenchmarkRun run)
    {
        var pg = run.System("milestones-pg");
        var sqlite = run.System("milestones-sqlite");
        var baseline = run.System("baseline");
        var ratios = new List<Ratio>();

        if (Best(pg.LifecycleWarm) is { } lpg && Best(baseline.LifecycleWarm) is { } lbl)
        {
            LifecycleRatio = lpg.OpsPerSecond / lbl.OpsPerSecond;
            ratios.Add(Line($"lifecycle warm, Milestones-PG ÷ baseline at each one's best concurrency: {LifecycleRatio:0.00} ({lpg.OpsPerSecond:#,0.#}/s at c={lpg.Concurrency} vs {lbl.OpsPerSecond:#,0.#}/s at c={lbl.Concurrency}; target ≥ 2)"));
        }

        if (At(pg.LifecycleWarm, 1) is { } l1 && At(baseline.LifecycleWarm, 1) is { } b1)
        {
            ratios.Add(Line($"lifecycle warm at c=1, Milestones-PG ÷ baseline: {l1.OpsPerSecond / b1.OpsPerSecond:0.00} ({l1.OpsPerSecond:#,0.#} vs {b1.OpsPerSecond:#,0.#}/s; target ≥ 1)"));
        }

        if (Best(pg.FundWarm) is { } fpg && Best(baseline.FundWarm) is { } fbl)
        {
            FundRatio = fpg.OpsPerSecond / fbl.OpsPerSecond;
            ratios.Add(Line($"fund warm, Milestones-PG ÷ warm baseline at each one's best concurrency: {FundRatio:0.00} ({fpg.OpsPerSecond:#,0.#}/s at c={fpg.Concurrency} vs {fbl.OpsPerSecond:#,0.#}/s at c={fbl.Concurrency}; target ≥ 2)"));
        }

        if (Best(pg.FundWarm) is { } f && run.Pgbench.Count > 0)
        {
            var ceiling = run.Pgbench.MaxBy(p => p.Tps);
            ratios.Add(Line($"fund warm, Milestones-PG ÷ pgbench single-row upsert ceiling: {f.OpsPerSecond / ceiling.Tps:0.00} ({f.OpsPerSecond:#,0.#} vs {ceiling.Tps:#,0.#}/s at c={ceiling.Clients}; target ≥ 0.5)"));
        }

        if (Best(pg.FundWebhook) is { } hooked && Best(pg.FundWarm) is { } plain)
        {
            WebhookRatio = hooked.OpsPerSecond / plain.OpsPerSecond;
            ratios.Add(Line($"fund warm with one webhook endpoint ÷ without, Milestones-PG at each one's best concurrency: {WebhookRatio:0.00} ({hooked.OpsPerSecond:#,0.#}/s at c={hooked.Concurrency} vs {plain.OpsPerSecond:#,0.#}/s at c={plain.Concurrency}; target ≥ 0.9)"));
        }

        if (pg.FundWebhook?.Webhook is { } webhook)
        {
            ratios.Add(Line($"webhook delivery in that run, Milestones-PG: lag p50 {webhook.LagP50Ms:#,0.0} ms, p99 {webhook.LagP99Ms:#,0.0} ms, max {webhook.LagMaxMs:#,0.0} ms ({webhook.Delivered:#,0} deliveries, {webhook.DeliveriesPerSecond:#,0.#}/s)"));
        }

        if (At(sqlite.LifecycleWarm, 16)?.Steps is { } steps)
        {
            var worst = steps.MaxBy(s => s.Value.P99Ms);
            ratios.Add(Line($"SQLite lifecycle warm at c=16, worst step p99: {worst.Value.P99Ms:0.0} ms ({worst.Key}; target ≤ 20 ms)"));
        }

        if (At(sqlite.LifecycleWarm, 16) is { } s16 && At(sqlite.LifecycleWarm, 1) is { } s1 && s1.OpsPerSecond > 0)
        {
            ratios.Add(Line($"SQLite lifecycle warm, c=16 ÷ c=1: {s16.OpsPerSecond / s1.OpsPerSecond:0.00} ({s16.OpsPerSecond:#,0.#} vs {s1.OpsPerSecond:#,0.#}/s; target ≥ 3)"));
        }

        foreach (var system in run.Systems)
        {
            if (Ramp(system) is { } ramp)
            {
                ratios.Add(Line($"{system.Label}, fresh process, fund at c={ramp.Concurrency}: {ramp.Describe()} (target ≤ 5 s for Milestones)"));
            }
        }

        var accounts = run.Activations.Where(a => a.Grain == "account").OrderBy(a => a.Size).ToArray();
        if (accounts.Length > 1 && accounts[0].FirstCallMs > 0)
        {
            var (small, large) = (accounts[0], accounts[^1]);
            ratios.Add(Line($"account activation, {large.Size:#,0} ÷ {small.Size:#,0} ledger lines: {large.FirstCallMs / small.FirstCallMs:0.00} ({large.FirstCallMs:0.0} vs {small.FirstCallMs:0.0} ms; target ≤ 2)"));
        }

        if (run.BytesPerContract is { } bytes)
        {
            ratios.Add(Line($"memory per activated contract grain: {bytes:#,0} bytes (target < 5,000)"));
        }

        Ratios = ratios;
    }

    public double? LifecycleRatio { get; }

    public double? FundRatio { get; }

    /// <summary>Milestones-PG fund warm with one webhook endpoint ÷ without, each at its best concurrency.</summary>
    public double? WebhookRatio { get; }

    public IReadOnlyList<Ratio> Ratios { get; }

    /// <summary>The last lines of every run, <c>--quick</c> included: the last two are the lifecycle ratio and, very last, the fund ratio.</summary>
    public IEnumerable<string> LastLines =>
    [
        $"ratio milestones-pg fundings/s with one webhook/without: {Format(WebhookRatio)}",
        $"ratio milestones/baseline lifecycles/s: {Format(LifecycleRatio)}",
        $"ratio milestones/baseline fundings/s: {Format(FundRatio)}",
    ];

    public static LevelResult? Best(RunReport? report) => report?.Levels.MaxBy(l => l.OpsPerSecond);

    public static LevelResult? At(RunReport? report, int concurrency) => report?.Levels.FirstOrDefault(l => l.Concurrency == concurrency);

    /// <summary>The ramp of a fresh process against the warm fund figure at the same concurrency (or the warm best).</summary>
    public static RampFigure? Ramp(SystemRuns system) =>
        system.Ramp?.Levels is [var ramp, ..] && (At(system.FundWarm, ramp.Concurrency) ?? Best(system.FundWarm)) is { } warm
            ? new RampFigure(ramp.Concurrency, ramp.PerSecond, warm.OpsPerSecond)
            : null;

    private static string Format(double? ratio) => ratio is { } r ? r.ToString("0.00", Invariant) : "n/a";

    private static Ratio Line(FormattableString text) => new("- " + text.ToString(Invariant));
}

/// <summary>Fundings per second in each of a fresh process's first seconds of traffic, and when they first reach 80% of warm.</summary>
internal sealed record RampFigure(int Concurrency, IReadOnlyList<long> PerSecond, double Warm)
{
    /// <summary>Seconds of traffic until the first whole second at ≥ 80% of warm; null when none did.</summary>
    public int? SecondsTo80
    {
        get
        {
            var index = PerSecond.Take(Math.Max(0, PerSecond.Count - 1)).Select((n, i) => (n, i)).FirstOrDefault(x => x.n >= 0.8 * Warm, (0, -1)).Item2;
            return index < 0 ? null : index + 1;
        }
    }

    public string Describe() => SecondsTo80 is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{s} s until 80% of warm ({0.8 * Warm:#,0}/s of {Warm:#,0}/s)")
        : string.Create(CultureInfo.InvariantCulture, $"not at 80% of warm ({0.8 * Warm:#,0}/s of {Warm:#,0}/s) within its {Math.Max(0, PerSecond.Count - 1)} whole seconds");
}
