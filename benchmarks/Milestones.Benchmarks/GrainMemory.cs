using System.Diagnostics;
using Milestones.Contracts;
using Orleans.Runtime;

namespace Milestones.Benchmarks;

/// <summary>
/// Memory per activated contract grain: create N contracts on memory storage, measure the managed heap with
/// them active, force every activation to deactivate, measure again; the difference over N is the cost of
/// one activation (its state object included, the storage copy excluded).
/// </summary>
public static class GrainMemory
{
    public static async Task<int> RunAsync(int count)
    {
        await using var cluster = await BenchCluster.StartAsync("Memory");
        var timer = Stopwatch.StartNew();
        var prepared = await cluster.PrepareAsync(count, clients: Math.Max(1, count / 100));
        Console.WriteLine($"created and activated {count} contracts in {timer.Elapsed.TotalSeconds:F1} s");

        var active = Heap();
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var collected = Heap();
        GC.KeepAlive(prepared);

        var perGrain = (active - collected) / (double)count;
        Console.WriteLine($"heap with contracts active: {active / 1048576.0:F1} MiB; after deactivating them: {collected / 1048576.0:F1} MiB");
        Console.WriteLine($"memory per activated contract grain: {perGrain:F0} bytes ({count} contracts)");
        return 0;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
