using Milestones.LoadTest.Http;

namespace Milestones.LoadTest.Preparation;

/// <summary>The platform deposits, per client, enough for every funding the run can make (unique references, so never replayed).</summary>
internal static class Deposits
{
    /// <summary>The largest single deposit sent; more is split (the API caps one deposit at its largest milestone amount).</summary>
    private const long MaxDeposit = 10_000_000_000;

    /// <summary>
    /// What funding <paramref name="amount"/> may hold at most: the amount and the client's fee on it, at most half of
    /// it (the largest fee the API accepts), so deposits cover any fee schedule the target runs with.
    /// </summary>
    public static long Covering(long amount) => amount + ((amount + 1) / 2);

    public static async Task MakeAsync(MilestonesApi api, Cast cast, long perClient, int parallel, CancellationToken cancellation)
    {
        await Parallel.ForAsync(0, cast.Clients.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellation }, async (i, ct) =>
        {
            var client = cast.Clients[i].UserId;
            var left = perClient;
            for (var part = 0; left > 0; part++)
            {
                var amount = Math.Min(left, MaxDeposit);
                var reference = $"{cast.RunId}-deposit-{i}-{part}";
                await Retry.RequireAsync(c => api.DepositAsync(cast.Platform, client, amount, reference, c), $"deposit for {client}", ct);
                left -= amount;
            }
        });
    }
}
