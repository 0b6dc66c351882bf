using Milestones.LoadTest.Http;

namespace Milestones.LoadTest.Preparation;

/// <summary>
/// The users of one run, all named after its run id so runs never share state: the platform, the client users the
/// contracts are spread over, and as many freelancers (client <c>i</c> always works with freelancer <c>i</c>).
/// </summary>
internal sealed record Cast(string RunId, Party Platform, IReadOnlyList<Party> Clients, IReadOnlyList<Party> Freelancers)
{
    public static async Task<Cast> CreateAsync(TokenSource tokens, string runId, int clients, CancellationToken cancellation)
    {
        var platform = await tokens.PartyAsync($"{runId}-platform", platform: true, cancellation);
        var clientParties = new Party[clients];
        var freelancers = new Party[clients];
        await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (i, ct) =>
        {
            clientParties[i] = await tokens.PartyAsync($"{runId}-client-{i}", platform: false, ct);
            freelancers[i] = await tokens.PartyAsync($"{runId}-freelancer-{i}", platform: false, ct);
        });
        return new Cast(runId, platform, clientParties, freelancers);
    }

    /// <summary>The pair operation or contract number <paramref name="index"/> belongs to (round robin).</summary>
    public (Party Client, Party Freelancer) PairFor(long index)
    {
        var i = (int)(index % Clients.Count);
        return (Clients[i], Freelancers[i]);
    }
}
