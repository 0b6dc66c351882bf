using System.Diagnostics;
using System.Globalization;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Preparation;

/// <summary>
/// Creates contracts (by their clients, round robin) and has both parties accept terms version 1, several at a time.
/// Every call carries an Idempotency-Key, so a retried create reaches the same contract.
/// </summary>
internal static class ContractPreparer
{
    public static async Task<PreparedContract[]> PrepareAsync(
        MilestonesApi api, Cast cast, string batch, int count, int milestones, int parallel, TextWriter progress, CancellationToken cancellation)
    {
        var contracts = new PreparedContract[count];
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        using var ticker = new ProgressTicker(progress, () => $"[prepare {batch}] {Volatile.Read(ref done)}/{count} contracts", TimeSpan.FromSeconds(5));
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellation }, async (i, ct) =>
        {
            var (client, freelancer) = cast.PairFor(i);
            var key = $"{cast.RunId}-{batch}-{i}";
            var created = await Retry.RequireAsync(
                c => api.CreateContractAsync(client, freelancer.UserId, $"Load test {batch} #{i}", milestones, $"{key}-create", c), "create contract", ct);
            var id = ProblemCode.ReadString(created.Body, "id") ?? throw new RunFailedException("POST /v1/contracts answered without an id.");
            await Retry.RequireAsync(c => api.AcceptAsync(client, id, $"{key}-accept-client", c), $"client accepts {id}", ct);
            await Retry.RequireAsync(c => api.AcceptAsync(freelancer, id, $"{key}-accept-freelancer", c), $"freelancer accepts {id}", ct);
            contracts[i] = new PreparedContract(id, client, freelancer);
            Interlocked.Increment(ref done);
        });
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[prepare {batch}] {count} contracts ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0}s"));
        return contracts;
    }
}
