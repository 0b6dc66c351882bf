using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Auth;
using Milestones.Api.Http;
using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Api.Endpoints;

/// <summary>
/// Development only: mint a token for any user, and move the product's clock forward (the sandbox clock). Outside
/// Development the routes do not exist.
/// </summary>
public static class DevEndpoints
{
    public const string Route = "/v1/dev/tokens";
    public const string ClockRoute = "/v1/dev/clock";

    public static IEndpointRouteBuilder MapDevRoutes(this IEndpointRouteBuilder routes, bool development)
    {
        if (!development)
        {
            return routes;
        }

        routes.MapPost(Route, Issue).AllowAnonymous().WithTags("Development").WithName("IssueDevToken").Refuses([.. OperationProblems.Id("userId")])
            .WithSummary("Development only: a bearer token for the given user (platform role optional).")
            .DisableValidation();
        routes.MapGet(ClockRoute, ReadClock).WithTags("Development").WithName("GetSandboxClock").Refuses("role_not_allowed", "sandbox_only")
            .WithSummary("Development only, platform only: the product's time and how far the sandbox has moved it ahead of real time.");
        routes.MapPost(ClockRoute, AdvanceClock).WithTags("Development").WithName("AdvanceSandboxClock").Refuses("role_not_allowed", "invalid_duration", "sandbox_only")
            .WithSummary(
                "Development only, platform only: moves the product's clock forward by advanceBy (an ISO 8601 duration of days, " +
                "hours, minutes and seconds, such as P14DT1H; at most 366 days a call). Everything then due happens as if that " +
                "time had passed — auto-releases, security periods, payout time-outs, key expiry — within seconds (every silo " +
                "reads the clock once a second, and wake-ups run every Milestones:WakeInterval). The clock never goes back.");
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

    public static async Task<Results<Ok<SandboxClockView>, ProblemHttpResult>> ReadClock([AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<ISandboxClockGrain>(0).ReadAsync(api.Caller), time => TypedResults.Ok(SandboxClockView.Of(time)));

    public static async Task<Results<Ok<SandboxClockView>, ProblemHttpResult>> AdvanceClock(SandboxClockRequest body, [AsParameters] ApiServices api)
    {
        if (!body.TryReadAdvance(out var by))
        {
            return Problems.Invalid("invalid_duration", "advanceBy",
                "advanceBy must be an ISO 8601 duration of days, hours, minutes and seconds (such as P14DT1H), more than zero and at most 366 days.");
        }

        return await CommandResults.RunAccount(
            api.Http, key => api.Grains.GetGrain<ISandboxClockGrain>(0).AdvanceAsync(api.Caller, by, key), time => TypedResults.Ok(SandboxClockView.Of(time)));
    }
}
