using System.Net;

namespace Milestones.Tests.Api;

/// <summary>Every error the pipeline produces without a body (unknown route, wrong method) is problem details with a code; an unknown route is 404 whoever asks.</summary>
public sealed class StatusCodePagesApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task AnUnknownRoute_IsNotFound_AsProblemDetails() =>
        await Problem(await Client.GetAsync("/v1/no-such-route"), HttpStatusCode.NotFound, "not_found");

    [Fact]
    public async Task AWrongMethod_IsMethodNotAllowed_AsProblemDetails() =>
        await Problem(await Client.PutAsync("/v1/contracts", RawJson("{}")), HttpStatusCode.MethodNotAllowed, "method_not_allowed");

    [Fact]
    public async Task AnUnknownRoute_WithoutAToken_OrWithABadOne_IsNotFound_WhileAKnownRouteAsksForAToken()
    {
        foreach (var client in new[] { Anonymous, Factory.ClientWithToken("not-a-jwt") })
        {
            await Problem(await client.GetAsync("/v1/no-such-route"), HttpStatusCode.NotFound, "not_found");
            await Problem(await client.PostAsync("/v1/contracts/ctr_1/no-such-action", null), HttpStatusCode.NotFound, "not_found");
            await Problem(await client.GetAsync("/v1/contracts"), HttpStatusCode.Unauthorized, "unauthorized");
        }
    }
}
