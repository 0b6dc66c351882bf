using System.Net;

namespace Milestones.Tests.Api;

/// <summary>api.md "Who is calling": 401 without a valid token, 404 for strangers, 403 outside one's role; nothing changes on a 4xx.</summary>
public sealed class AuthorizationMatrixTests(ApiFactory factory) : MatrixApiTest(factory)
{
    public static TheoryData<string, Caller, int, string?> Cases => AuthorizationMatrix.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryRoute_AnswersEachCallerAsApiMdSays_AndA4xxChangesNothing(string route, Caller caller, int status, string? code)
    {
        var spec = AuthorizationMatrix.Route(route);
        await ArrangeAsync(spec.State);
        var before = await SnapshotAsync();

        var response = await SendAsync(ClientOf(caller), spec.Method, spec.Path, spec.Body);

        if (code is null)
        {
            await Json(response, (HttpStatusCode)status);
        }
        else
        {
            await Problem(response, (HttpStatusCode)status, code);
        }

        if (status == 401)
        {
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        if (caller == Caller.Stranger && ContractId.Length > 0)
        {
            Assert.DoesNotContain(ContractId, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        if (code is not null || spec.Method == "GET")
        {
            AssertUnchanged(before, await SnapshotAsync());
        }
    }

    public static TheoryData<string> BadTokens => new() { "garbage", "expired", "early", "wrong-key", "wrong-issuer", "wrong-audience", "unsigned", "basic", "empty" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AnInvalidToken_IsUnauthorized_EvenWhenItNamesTheContractsClient(string kind)
    {
        await ArrangeAsync(Arrange.Draft);
        var client = kind switch
        {
            "garbage" => Factory.ClientWithToken("not-a-jwt"),
            "expired" => Factory.ClientWithToken(Factory.ExpiredToken(ClientId)),
            "early" => Factory.ClientWithToken(Factory.EarlyToken(ClientId)),
            "wrong-key" => Factory.ClientWithToken(Factory.TokenSignedWithAnotherKey(ClientId, platform: true)),
            "wrong-issuer" => Factory.ClientWithToken(Factory.TokenFromAnotherIssuer(ClientId)),
            "wrong-audience" => Factory.ClientWithToken(Factory.TokenForAnotherAudience(ClientId)),
            "unsigned" => Factory.ClientWithToken(Tokens.UnsignedToken(ClientId)),
            "basic" => Factory.ClientWithToken(Convert.ToBase64String("client:secret"u8), "Basic"),
            _ => Factory.ClientWithToken(""),
        };
        var before = await SnapshotAsync();

        await Problem(await client.GetAsync($"/v1/contracts/{ContractId}"), HttpStatusCode.Unauthorized, "unauthorized");
        await Problem(await client.PostAsync($"/v1/contracts/{ContractId}/withdraw", null), HttpStatusCode.Unauthorized, "unauthorized");

        AssertUnchanged(before, await SnapshotAsync());
    }

    [Fact]
    public void TheMatrix_HasEveryRouteOfApiMd_WithEveryCallerKind()
    {
        Assert.Equal(ApiMd.Routes.Order(StringComparer.Ordinal), AuthorizationMatrix.Routes.Select(r => ApiMd.Normalize(r.Name)).Order(StringComparer.Ordinal));
        Assert.All(AuthorizationMatrix.Routes.Where(r => r.Name != "POST /v1/contracts"), r =>
            Assert.Equal(
                [Caller.Stranger, Caller.Client, Caller.Freelancer, Caller.Platform],
                r.Allowed.Concat(r.Forbidden).Concat(r.Hidden).Order()));
    }
}
