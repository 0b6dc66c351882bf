using Milestones.Baseline.Auth;
using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;

namespace Milestones.Baseline.Endpoints;

/// <summary>Development only: a bearer token for any user. Outside Development the route does not exist (404).</summary>
internal static class DevEndpoints
{
    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/dev/tokens", Issue).AllowAnonymous();
        return routes;
    }

    private static IResult Issue(DevTokenRequest body, AuthOptions auth, TimeProvider clock)
    {
        if (Validate.Text(body.UserId, "userId", Validate.MaxIdLength) is { } error)
        {
            return Problems.From(error);
        }

        var token = AuthSetup.Issue(auth, body.UserId!, body.Platform, clock.GetUtcNow().UtcDateTime);
        return TypedResults.Json(new TokenResponse(token), BaselineJson.Default.TokenResponse);
    }
}
