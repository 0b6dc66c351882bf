using System.Globalization;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Options;
using Milestones.LoadTest.Preparation;
using Milestones.LoadTest.Results;
using Milestones.LoadTest.Scenarios;

namespace Milestones.LoadTest.Running;

/// <summary>
/// One run: users and tokens, deposits, then per concurrency level its preparation, a warm-up and the measured run;
/// finally the results (stdout, and <c>--out</c> files). Stopped early (Ctrl+C, <c>--max-run-time</c>), it still reports
/// the levels measured so far.
/// </summary>
internal static class LoadTestRun
{
    public static async Task<int> RunAsync(LoadTestOptions options, TextWriter progress, TextWriter output, CancellationToken cancellation)
    {
        var clock = TimeProvider.System;
        var startedAt = clock.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"lt{startedAt:yyyyMMddHHmmss}{Random.Shared.Next(0x10000):x4}");
        var label = options.Label ?? options.Target.Authority;
        var maxLevel = options.ConcurrencyLevels.Max();
        using var client = new ApiClient(options.Target, Math.Max(maxLevel, options.PrepareConcurrency) + 16, options.RequestTimeout);
        var api = new MilestonesApi(client, options.Currency, options.Amount, clock);
        var minter = options.SigningKey is { } key ? new JwtMinter(key, options.Issuer, options.Audience, clock) : null;
        var tokens = new TokenSource(api, minter);
        progress.WriteLine($"run {runId}: scenario {options.Scenario.ToString().ToLowerInvariant()} against {options.Target} ({label}); " +
            $"levels {string.Join(",", options.ConcurrencyLevels)}; tokens {tokens.Kind}");

        var levels = new List<LevelResult>();
        WebhookResult? delivered = null;
        var complete = true;
        try
        {
            var file = options.Prepared is { } path ? PreparedFile.Load(path) : null;
            if (file is not null && (file.Amount != options.Amount || file.Currency != options.Currency))
            {
                throw new RunFailedException($"--prepared: {options.Prepared} holds {file.Amount} {file.Currency} milestones; pass the same --amount and --currency.");
            }

            var cast = await Cast.CreateAsync(tokens, file?.RunId ?? runId, file?.Clients ?? options.Clients, cancellation);
            await using var webhook = options.Webhook ? await WebhookProbe.StartAsync(client, cast.Platform, progress, cancellation) : null;
            if (options.PrepareOnly is { } destination)
            {
                return await PrepareForLaterAsync(api, cast, options, destination, progress, cancellation);
            }

            IScenario scenario = options.Scenario == ScenarioKind.Fund
                ? new FundScenario(api, cast, options.Amount, options.IdempotencyKeys, options.PrepareConcurrency, progress,
                    file?.Contracts.Select((id, i) => Prepared(cast, id, i)).ToArray())
                : new LifecycleScenario(api, cast, options.Amount, options.IdempotencyKeys);
            if (file is null)
            {
                // Every level deals its operations round robin from the first client on: each client needs its share
                // of every level, rounded up per level.
                var perClient = options.ConcurrencyLevels
                    .Sum(c => ((long)WarmupOps(options, c) + options.Count + options.Clients - 1) / options.Clients) * Deposits.Covering(scenario.FundedPerOperation);
                await Deposits.MakeAsync(api, cast, perClient, options.PrepareConcurrency, cancellation);
                progress.WriteLine($"deposited {perClient} {options.Currency} minor units for each of {options.Clients} client(s)");
            }
            else
            {
                progress.WriteLine($"funding the {file.Contracts.Count} contracts prepared in {options.Prepared} (run {file.RunId}, {file.Clients} client(s))");
            }

            var cpu = new CpuMeter(client, cast.Platform);
            foreach (var concurrency in options.ConcurrencyLevels)
            {
                var result = await RunLevelAsync(scenario, options, concurrency, cpu, progress, cancellation);
                levels.Add(result);
                if (!result.Complete)
                {
                    complete = false;
                    break;
                }
            }

            if (webhook is not null)
            {
                delivered = await webhook.DrainAsync(TimeSpan.FromMinutes(2), cancellation);
                progress.WriteLine($"webhook: {delivered.Describe()}");
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            complete = false;
        }

        if (!complete)
        {
            progress.WriteLine("stopped early (signal or --max-run-time): reporting the levels measured so far");
        }

        var report = new RunReport(options.Target.ToString(), label, options.Scenario.ToString().ToLowerInvariant(), runId, startedAt,
            options.Clients, options.Count, options.Duration.TotalSeconds, options.Warmup.TotalSeconds, options.IdempotencyKeys, tokens.Kind,
            Environment.ProcessorCount, levels, complete, delivered);
        if (options.OutPrefix is { } prefix)
        {
            progress.WriteLine($"wrote {ReportWriter.Write(report, prefix)}");
        }

        output.Write(MarkdownReport.Render(report));
        return complete ? 0 : 130;
    }

    private static async Task<LevelResult> RunLevelAsync(
        IScenario scenario, LoadTestOptions options, int concurrency, CpuMeter cpu, TextWriter progress, CancellationToken cancellation)
    {
        var ready = await scenario.PrepareLevelAsync(concurrency, WarmupOps(options, concurrency) + options.Count, cancellation);
        var warmupOps = Math.Min(WarmupOps(options, concurrency), ready);
        var first = 0;
        if (warmupOps > 0)
        {
            var warmup = await PhaseRunner.RunAsync(scenario, "warm-up", concurrency, 0, warmupOps, options.Warmup, progress, cancellation);
            first = warmup.Used;
        }

        cancellation.ThrowIfCancellationRequested();
        var before = await cpu.ReadAsync(cancellation);
        var measured = await PhaseRunner.RunAsync(
            scenario, "measured", concurrency, first, Math.Min(options.Count, ready - first), options.Duration, progress, cancellation);
        return LevelResult.From(concurrency, measured, scenario.Steps, before, await cpu.ReadAsync(CancellationToken.None));
    }

    /// <summary><c>--prepare-only</c>: deposits for and prepares <c>--count</c> fund contracts, and writes them down.</summary>
    private static async Task<int> PrepareForLaterAsync(
        MilestonesApi api, Cast cast, LoadTestOptions options, string destination, TextWriter progress, CancellationToken cancellation)
    {
        var perClient = (((long)options.Count + options.Clients - 1) / options.Clients) * Deposits.Covering(options.Amount);
        await Deposits.MakeAsync(api, cast, perClient, options.PrepareConcurrency, cancellation);
        var scenario = new FundScenario(api, cast, options.Amount, options.IdempotencyKeys, options.PrepareConcurrency, progress);
        var contracts = await scenario.PrepareForLaterAsync(options.Count, cancellation);
        new PreparedFile(cast.RunId, options.Clients, options.Amount, options.Currency, contracts.Select(c => c.Id).ToArray()).Save(destination);
        progress.WriteLine($"wrote {contracts.Length} prepared contracts to {destination}");
        return 0;
    }

    private static PreparedContract Prepared(Cast cast, string id, int index)
    {
        var (client, freelancer) = cast.PairFor(index);
        return new PreparedContract(id, client, freelancer);
    }

    private static int WarmupOps(LoadTestOptions options, int concurrency) =>
        options.Warmup > TimeSpan.Zero ? options.WarmupOpsFor(concurrency) : 0;
}
