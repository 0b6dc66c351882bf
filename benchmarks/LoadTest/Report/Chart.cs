using ScottPlot;
using Milestones.LoadTest.Results;

namespace Milestones.LoadTest.Report;

/// <summary>
/// The report's chart (ScottPlot, rendered headless by SkiaSharp to PNG): fundings/s and lifecycles/s against concurrency,
/// one colour per system, cold dashed and warm solid (warm with one webhook endpoint dotted), pgbench's ceiling in grey; and a fresh
/// process's first seconds of fund traffic.
/// </summary>
internal static class Chart
{
    private static readonly Dictionary<string, Color> Colors = new()
    {
        ["milestones-pg"] = new Color(31, 119, 180),
        ["milestones-sqlite"] = new Color(44, 160, 44),
        ["baseline"] = new Color(214, 39, 40),
    };

    public static void Save(BenchmarkRun run, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(3);
        Throughput(multiplot.GetPlot(0), run, "fund", "Durable fundings per second");
        Throughput(multiplot.GetPlot(1), run, "lifecycle", "Whole lifecycles per second");
        Ramp(multiplot.GetPlot(2), run);
        multiplot.SavePng(path, 1200, 1350);
    }

    /// <summary>One load test's chart: successful operations in each second of each level's measured run.</summary>
    public static void SaveRun(RunReport report, string path)
    {
        var plot = new Plot();
        foreach (var level in report.Levels)
        {
            var line = plot.Add.Scatter(level.PerSecond.Select((_, i) => i + 1.0).ToArray(), level.PerSecond.Select(n => (double)n).ToArray());
            line.LegendText = $"c={level.Concurrency}: {level.OpsPerSecond:#,0.#} ops/s";
            line.LineWidth = 2;
        }

        var seconds = report.Levels.Select(l => l.PerSecond.Count).DefaultIfEmpty(1).Max();
        plot.Title($"{report.Label}: {report.Scenario}, operations in each second");
        plot.XLabel("second of the measured run (the last one partial)");
        plot.YLabel("operations in that second");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(Math.Max(1, seconds / 15));
        FromZero(plot);
        plot.SavePng(path, 1000, 450);
    }

    private static void Throughput(Plot plot, BenchmarkRun run, string scenario, string title)
    {
        var levels = run.Systems.SelectMany(s => new[] { s.Get(scenario, false), s.Get(scenario, true) })
            .SelectMany(r => r?.Levels ?? []).Select(l => l.Concurrency)
            .Concat(scenario == "fund" ? run.Pgbench.Select(p => p.Clients) : []).Distinct().Order().ToArray();
        double X(int concurrency) => Array.IndexOf(levels, concurrency);
        foreach (var system in run.Systems)
        {
            foreach (var warm in new[] { false, true })
            {
                if (system.Get(scenario, warm)?.Levels is { Count: > 0 } measured)
                {
                    var line = plot.Add.Scatter(measured.Select(l => X(l.Concurrency)).ToArray(), measured.Select(l => l.OpsPerSecond).ToArray(), Colors[system.Key]);
                    line.LegendText = $"{system.Label}, {(warm ? "warm" : "cold")}";
                    line.LinePattern = warm ? LinePattern.Solid : LinePattern.Dashed;
                    line.LineWidth = 2;
                    line.MarkerSize = 7;
                }
            }
        }

        foreach (var system in run.Systems.Where(s => scenario == "fund" && s.FundWebhook is { Levels.Count: > 0 }))
        {
            var measured = system.FundWebhook!.Levels;
            var line = plot.Add.Scatter(measured.Select(l => X(l.Concurrency)).ToArray(), measured.Select(l => l.OpsPerSecond).ToArray(), Colors[system.Key]);
            line.LegendText = $"{system.Label}, warm, one webhook endpoint";
            line.LinePattern = LinePattern.Dotted;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        if (scenario == "fund" && run.Pgbench.Count > 0)
        {
            var ceiling = plot.Add.Scatter(run.Pgbench.Select(p => X(p.Clients)).ToArray(), run.Pgbench.Select(p => p.Tps).ToArray(), Color.FromHex("#7f7f7f"));
            ceiling.LegendText = "pgbench single-row upsert (ceiling)";
        }

        plot.Title(title);
        plot.XLabel("operations in flight (concurrency)");
        plot.YLabel("ops/s");
        plot.Axes.Bottom.SetTicks(levels.Select(c => X(c)).ToArray(), levels.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(-0.3, Math.Max(1, levels.Length - 1) + 0.3);
        FromZero(plot);
    }

    private static void Ramp(Plot plot, BenchmarkRun run)
    {
        foreach (var system in run.Systems)
        {
            if (Figures.Ramp(system) is { } ramp)
            {
                // Whole seconds only: the last second of a run is partial.
                var seconds = ramp.PerSecond.Take(Math.Max(1, ramp.PerSecond.Count - 1)).ToArray();
                var line = plot.Add.Scatter(seconds.Select((_, i) => i + 1.0).ToArray(), seconds.Select(n => (double)n).ToArray(), Colors[system.Key]);
                line.LegendText = $"{system.Label}, c={ramp.Concurrency}";
                line.LineWidth = 2;
                var target = plot.Add.HorizontalLine(0.8 * ramp.Warm, 1, Colors[system.Key], LinePattern.Dotted);
                target.LegendText = "80% of its warm fundings/s";
            }
        }

        plot.Title("A fresh process: fundings in each of its first seconds of traffic");
        plot.XLabel("second of traffic");
        plot.YLabel("fundings in that second");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        FromZero(plot);
    }

    /// <summary>The y axis from zero to a tenth above the highest point; the legend beside the plot.</summary>
    private static void FromZero(Plot plot)
    {
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(1, plot.Axes.GetLimits().Top * 1.1));
        plot.ShowLegend(Edge.Right);
    }
}
