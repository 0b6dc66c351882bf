using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Auth;
using Milestones.Api.Http;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Development only: mint a token for any user. Outside Development the route does not exist.</summary>
public static class DevEndpoints
{
    public const string Route = "/v1/dev/tokens";

    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder routes, bool development)
    {
        if (!development)
        {
            return routes;
        }

        routes.MapPost(Route, Issue).AllowAnonymous().WithTags("Development").WithName("IssueDevToken").Refuses([.. OperationProblems.Id("userId")])
            .WithSummary("Development only: a bearer token for the given user (platform role optional).")
            .DisableValidation();
        return routes;
    }

    public static Results<Ok<TokenResponse>, ProblemHttpResult> Issue(DevTokenRequest body, TokenIssuer issuer)
    {
        if (Validate.Id(body.UserId, "userId") is { } error)
        {
            return Problems.From(error);
        }

        return TypedResults.Ok(new TokenResponse(issuer.Issue(body.UserId!, body.Platform)));
    }
}
