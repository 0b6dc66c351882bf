using System.Globalization;
using System.Text.Json;
using Milestones.LoadTest.Results;

namespace Milestones.LoadTest.Report;

/// <summary>
/// One system's load tests: each scenario cold (first load test of a fresh process) and warm (a later one), the ramp,
/// and fund warm with one webhook endpoint subscribed (Milestones on PostgreSQL only; the same process, after the warm run).
/// </summary>
internal sealed record SystemRuns(
    string Key, string Label, RunReport? FundCold, RunReport? FundWarm, RunReport? LifecycleCold, RunReport? LifecycleWarm, RunReport? Ramp, RunReport? FundWebhook)
{
    public RunReport? Get(string scenario, bool warm) => (scenario, warm) switch
    {
        ("fund", false) => FundCold,
        ("fund", true) => FundWarm,
        ("lifecycle", false) => LifecycleCold,
        _ => LifecycleWarm,
    };
}

/// <summary>The time of a grain's first call after it was deactivated (written by <c>Milestones.Benchmarks activation</c>).</summary>
internal sealed record ActivationFigure(string Grain, string Description, long Size, double FirstCallMs);

/// <summary>Everything one <c>benchmarks/run.sh</c> run measured, read from its directory; a missing file is a missing figure.</summary>
internal sealed record BenchmarkRun(IReadOnlyList<SystemRuns> Systems, IReadOnlyList<(int Clients, double Tps)> Pgbench, IReadOnlyList<ActivationFigure> Activations, long? BytesPerContract)
{
    public static readonly (string Key, string Label)[] Known =
    [
        ("milestones-pg", "Milestones on PostgreSQL"),
        ("milestones-sqlite", "Milestones on embedded SQLite"),
        ("baseline", "Baseline (ASP.NET Core + Npgsql, row locks)"),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SystemRuns System(string key) => Systems.Single(s => s.Key == key);

    public static BenchmarkRun Load(string directory)
    {
        T? Read<T>(string name) where T : class
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) : null;
        }

        var systems = Known.Select(s => new SystemRuns(s.Key, s.Label,
            Read<RunReport>($"{s.Key}-fund-cold.json"), Read<RunReport>($"{s.Key}-fund-warm.json"),
            Read<RunReport>($"{s.Key}-lifecycle-cold.json"), Read<RunReport>($"{s.Key}-lifecycle-warm.json"),
            Read<RunReport>($"{s.Key}-ramp.json"), Read<RunReport>($"{s.Key}-fund-webhook.json"))).ToArray();
        var pgbenchPath = Path.Combine(directory, "pgbench.tsv");
        var pgbench = File.Exists(pgbenchPath)
            ? File.ReadAllLines(pgbenchPath).Select(l => l.Split('\t')).Where(f => f.Length == 2 && f[1].Trim().Length > 0)
                .Select(f => (int.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture))).ToArray()
            : [];
        var memoryPath = Path.Combine(directory, "memory.txt");
        long? memory = File.Exists(memoryPath) && long.TryParse(File.ReadAllText(memoryPath).Trim(), CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        return new BenchmarkRun(systems, pgbench, Read<ActivationFigure[]>("activation.json") ?? [], memory);
    }
}
