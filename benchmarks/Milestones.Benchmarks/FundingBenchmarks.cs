using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Benchmarks;

/// <summary>
/// Fundings on an in-process cluster: each invocation funds <see cref="Batch"/> fresh contracts with
/// <see cref="Concurrency"/> calls in flight, so the reported time per operation is the inverse of
/// fundings per second. <see cref="HotClient"/>: one client account pays for every contract.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class FundingBenchmarks
{
    private const int Batch = 1_000;
    private BenchCluster cluster = null!;
    private (Caller Client, IContractGrain Contract)[] prepared = [];

    [Params("Memory", "Sqlite", "Postgres")]
    public string Storage { get; set; } = "Memory";

    [Params(1, 16, 64, 256)]
    public int Concurrency { get; set; }

    [Params(false, true)]
    public bool HotClient { get; set; }

    [GlobalSetup]
    public async Task StartAsync() => cluster = await BenchCluster.StartAsync(Storage);

    [IterationSetup]
    public void Prepare() => prepared = cluster.PrepareAsync(Batch, HotClient ? 1 : 64).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Fund() => BenchCluster.FundAllAsync(prepared, Concurrency);

    [GlobalCleanup]
    public async Task StopAsync() => await cluster.DisposeAsync();
}

/// <summary>One funding round trip from a client through the grain to the account and back, on memory storage.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class FundingRoundTripBenchmarks
{
    private const int Batch = 200;
    private BenchCluster cluster = null!;
    private (Caller Client, IContractGrain Contract)[] prepared = [];

    [GlobalSetup]
    public async Task StartAsync() => cluster = await BenchCluster.StartAsync("Memory");

    [IterationSetup]
    public void Prepare() => prepared = cluster.PrepareAsync(Batch, 16).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task FundOneAtATime() => BenchCluster.FundAllAsync(prepared, 1);

    [GlobalCleanup]
    public async Task StopAsync() => await cluster.DisposeAsync();
}
