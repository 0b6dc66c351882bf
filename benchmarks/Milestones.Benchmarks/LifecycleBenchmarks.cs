using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Milestones.Domain;

namespace Milestones.Benchmarks;

/// <summary>
/// Whole lifecycles through the grains (<see cref="BenchCluster.LifecycleAsync"/>), one at a time, on memory storage:
/// the time and the bytes allocated per lifecycle by the grains, their calls and serialisation, without HTTP or a
/// database. Each invocation runs <see cref="Batch"/> lifecycles for fresh clients, deposited for in set-up.
/// <see cref="CompressStates"/>: what compressing every stored state and answer costs the silo per lifecycle.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class LifecycleBenchmarks
{
    private const int Batch = 200;
    private BenchCluster cluster = null!;
    private Caller[] clients = [];
    private string run = "";

    [Params(false, true)]
    public bool CompressStates { get; set; }

    [GlobalSetup]
    public async Task StartAsync() => cluster = await BenchCluster.StartAsync("Memory", CompressStates);

    [IterationSetup]
    public void Prepare() => (run, clients) = cluster.DepositAsync(Batch, 1).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Lifecycle()
    {
        for (var i = 0; i < Batch; i++)
        {
            await cluster.LifecycleAsync(clients[i], new Caller($"bench-{run}-freelancer-{i}"));
        }
    }

    [GlobalCleanup]
    public async Task StopAsync() => await cluster.DisposeAsync();
}
