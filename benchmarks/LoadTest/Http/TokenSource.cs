namespace Milestones.LoadTest.Http;

/// <summary>Bearer tokens: minted with the signing key when one is given, otherwise from the target's Development token route.</summary>
internal sealed class TokenSource(MilestonesApi api, JwtMinter? minter)
{
    public string Kind => minter is null ? "POST /v1/dev/tokens" : "minted (HS256)";

    public async Task<Party> PartyAsync(string userId, bool platform, CancellationToken cancellation)
    {
        if (minter is not null)
        {
            return new Party(userId, "Bearer " + minter.Mint(userId, platform));
        }

        var result = await api.IssueDevTokenAsync(userId, platform, cancellation);
        if (result.Status == 404)
        {
            throw new RunFailedException(
                "the target has no POST /v1/dev/tokens (it does not run in Development): pass --signing-key with its Auth:SigningKey " +
                "(or set LOADTEST_SIGNING_KEY).");
        }

        var token = result.Ok ? ProblemCode.ReadString(result.Body, "token") : null;
        return token is null
            ? throw new RunFailedException($"POST /v1/dev/tokens for '{userId}' failed: {result}.")
            : new Party(userId, "Bearer " + token);
    }
}
