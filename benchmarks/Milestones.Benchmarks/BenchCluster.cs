using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Silo;
using Orleans.TestingHost;

namespace Milestones.Benchmarks;

/// <summary>
/// A one-silo in-process cluster on the chosen store, and helpers to prepare funded-ready contracts.
/// PostgreSQL comes from MILESTONES_BENCH_PG (or MILESTONES_TEST_PG); SQLite is a fresh temp file.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private static readonly DateOnly Due = new(2040, 1, 1);
    private readonly InProcessTestCluster cluster;

    private BenchCluster(InProcessTestCluster cluster) => this.cluster = cluster;

    public IGrainFactory Grains => cluster.Client;
    public IClusterClient Client => cluster.Client;

    public static async Task<BenchCluster> StartAsync(string storage, bool compressStates = true)
    {
        var settings = Settings(storage) with { CompressStates = compressStates };
        if (settings.Database is { } kind)
        {
            await Silo.Storage.SchemaMigrator.MigrateAsync(kind, settings.ConnectionString, NullLogger.Instance, CancellationToken.None);
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) => host.Services.AddMilestonesServices());
        builder.ConfigureSilo((_, silo) => silo.AddMilestonesStorage(settings));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster);
    }

    private static StorageSettings Settings(string storage)
    {
        var values = new Dictionary<string, string?> { ["Storage:Provider"] = storage };
        if (storage == nameof(StorageProvider.Postgres))
        {
            values["ConnectionStrings:Milestones"] = Environment.GetEnvironmentVariable("MILESTONES_BENCH_PG")
                ?? Environment.GetEnvironmentVariable("MILESTONES_TEST_PG")
                ?? throw new InvalidOperationException("Set MILESTONES_BENCH_PG to a PostgreSQL connection string (scripts/pg.sh start prints one).");
        }
        else if (storage == nameof(StorageProvider.Sqlite))
        {
            values["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "milestones-bench-" + Guid.NewGuid().ToString("N"));
        }

        return StorageSettings.Resolve(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    /// <summary>Active one-milestone contracts, each ready to fund, spread over <paramref name="clients"/> funded client accounts.</summary>
    public async Task<(Caller Client, IContractGrain Contract)[]> PrepareAsync(int contracts, int clients, long amount = 1_000)
    {
        var (run, payers) = await DepositAsync(clients, contracts, amount);
        var prepared = new (Caller, IContractGrain)[contracts];
        await Parallel.ForEachAsync(Enumerable.Range(0, contracts), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var client = payers[i % clients];
            var freelancer = new Caller($"bench-{run}-freelancer-{i % clients}");
            var grain = Grains.Contract(GrainKeys.NewContractId());
            Check(await grain.CreateAsync(client, new CreateContract("Bench", freelancer.UserId, "USD", [new NewMilestone("Work", Due, amount)]), CommandOptions.None));
            Check(await grain.AcceptTermsAsync(client, 1, CommandOptions.None));
            Check(await grain.AcceptTermsAsync(freelancer, 1, CommandOptions.None));
            prepared[i] = (client, grain);
        });
        return prepared;
    }

    /// <summary>
    /// <paramref name="clients"/> fresh client accounts (of a fresh run id), each with enough for
    /// <paramref name="fundings"/> fundings of <paramref name="amount"/> and their fees.
    /// </summary>
    public async Task<(string Run, Caller[] Clients)> DepositAsync(int clients, int fundings, long amount = 1_000)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var payers = Enumerable.Range(0, clients).Select(i => new Caller($"bench-{run}-client-{i}")).ToArray();
        var platform = new Caller("bench", IsPlatform: true);
        await Task.WhenAll(payers.Select(p => Grains.Account(p.UserId).DepositAsync(platform, new Deposit((amount + FeeSchedule.Of(amount, FeeSchedule.MaxBps)) * fundings, "USD", $"{run}-{p.UserId}"))));
        return (run, payers);
    }

    /// <summary>
    /// One whole lifecycle as the load tester's: create (three milestones) → accept (client) → accept (freelancer) →
    /// fund the first → submit → approve.
    /// </summary>
    public async Task LifecycleAsync(Caller client, Caller freelancer, long amount = 1_000)
    {
        var grain = Grains.Contract(GrainKeys.NewContractId());
        Check(await grain.CreateAsync(client, new CreateContract("Bench", freelancer.UserId, "USD",
            [new NewMilestone("Design", Due, amount), new NewMilestone("Build", Due, amount), new NewMilestone("Launch", Due, amount)]), CommandOptions.None));
        Check(await grain.AcceptTermsAsync(client, 1, CommandOptions.None));
        Check(await grain.AcceptTermsAsync(freelancer, 1, CommandOptions.None));
        Check(await grain.FundMilestoneAsync(client, "m1", CommandOptions.None));
        Check(await grain.SubmitWorkAsync(freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Check(await grain.ApproveMilestoneAsync(client, new ApproveWork("m1"), CommandOptions.None));
    }

    /// <summary>Funds every prepared contract's first milestone with exactly <paramref name="concurrency"/> calls in flight.</summary>
    public static Task FundAllAsync((Caller Client, IContractGrain Contract)[] prepared, int concurrency) =>
        Parallel.ForEachAsync(prepared, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (p, _) =>
            Check(await p.Contract.FundMilestoneAsync(p.Client, "m1", CommandOptions.None)));

    public ValueTask DisposeAsync() => cluster.DisposeAsync();

    /// <summary>Throws on a refused command: the benchmarks measure only what succeeded.</summary>
    public static void Check<T>(Outcome<T> outcome)
    {
        if (outcome.Error is { } error)
        {
            throw new InvalidOperationException($"{error.Code}: {error.Message}");
        }
    }
}
