using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Tests.Grains;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// A measurement, not a check of speed: durable grain writes per second on PostgreSQL through our provider set-up
/// and schema. Each deposit on an already-registered account is exactly one <c>WriteStateAsync</c> (one upsert
/// with a version check, committed before the call returns). Only the figure is printed; what is asserted is that
/// every acknowledged deposit is in the store.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class PostgresWriteThroughputTests(PostgresClusterFixture fixture, ITestOutputHelper output)
    : GrainTest(fixture), IClassFixture<PostgresClusterFixture>
{
    private const int InFlight = 64;
    private const int AccountsPerWorker = 8;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DurableDeposits_64InFlight_ForFiveSeconds_PrintsWritesPerSecond()
    {
        var users = Enumerable.Range(0, InFlight * AccountsPerWorker)
            .Select(i => new Caller($"bench-{Guid.NewGuid():N}"))
            .ToArray();
        foreach (var batch in users.Chunk(InFlight))
        {
            await Task.WhenAll(batch.Select(u => DepositAsync(u, 1)));
        }

        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, InFlight).Select(worker => Task.Run(async () =>
        {
            var done = 0;
            while (clock.Elapsed < Duration)
            {
                await DepositAsync(users[(worker * AccountsPerWorker) + (done % AccountsPerWorker)], 1);
                done++;
            }

            return done;
        })));
        clock.Stop();

        var writes = counts.Sum();
        output.WriteLine(
            $"PostgreSQL durable grain writes: {writes} deposits in {clock.Elapsed.TotalSeconds:F2} s = " +
            $"{writes / clock.Elapsed.TotalSeconds:F0} writes/s ({InFlight} in flight, {users.Length} account grains, 2 silos, " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}).");

        Assert.Equal(users.Length + writes, await StoredBalanceAsync(users));
    }

    /// <summary>Other work on the machine skews the figure; the 1-minute load average says how much there was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>The sum of the accounts' balances as the database holds them (read past the grains).</summary>
    private async Task<long> StoredBalanceAsync(Caller[] users)
    {
        var storage = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);
        var sum = 0L;
        foreach (var user in users)
        {
            var state = new GrainState<AccountState>(new AccountState());
            await storage.ReadStateAsync("account", Grains.Account(user.UserId).GetGrainId(), state);
            sum += state.State!.Balances[Usd].Available;
        }

        return sum;
    }
}
