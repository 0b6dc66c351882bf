using System.Net;

namespace Milestones.Tests.Api;

/// <summary>A correctly signed token whose <c>sub</c> is missing or breaks the id rule is 401 <c>invalid_token</c>, never 500.</summary>
public sealed class TokenSubjectApiTests(ApiFactory factory) : ApiTest(factory)
{
    public static TheoryData<string> BadSubjects() => new()
    {
        "",
        "   ",
        new string('u', 129),
        "alice\0",
        "al\u200Bice",
        "\uFEFFalice",
        "alice\u202E",
        "alice\u2028",
        " alice",
        "alice\t",
    };

    [Fact]
    public async Task AValidTokenWithoutSub_IsUnauthorized_InvalidToken()
    {
        var client = Factory.ClientWithToken(Factory.SignedTokenWithClaims(new Dictionary<string, object> { ["role"] = "platform" }));

        await Problem(await client.GetAsync("/v1/ledger/verify"), HttpStatusCode.Unauthorized, "invalid_token");
        await Problem(await client.GetAsync("/v1/contracts"), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Theory]
    [MemberData(nameof(BadSubjects))]
    public async Task AValidTokenWithABadSub_IsUnauthorized_InvalidToken(string sub)
    {
        var client = Factory.ClientWithToken(Factory.SignedTokenWithClaims(new Dictionary<string, object> { ["sub"] = sub }));

        var response = await client.GetAsync("/v1/contracts");

        await Problem(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidTokenWithA128CharacterSub_IsAccepted()
    {
        var user = new string('u', 120) + Guid.NewGuid().ToString("N")[..8];
        var client = Factory.ClientWithToken(Factory.SignedTokenWithClaims(new Dictionary<string, object> { ["sub"] = user }));

        await Json(await client.GetAsync("/v1/contracts"), HttpStatusCode.OK);
    }
}
