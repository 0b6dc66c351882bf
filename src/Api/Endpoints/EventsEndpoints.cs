using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Events;

namespace Milestones.Api.Endpoints;

/// <summary>Events out: the platform's ordered feed of every contract and account event.</summary>
public static class EventsEndpoints
{
    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Events");
        group.MapGet("/events", Feed).WithName("GetEventFeed").Refuses("role_not_allowed", "invalid_cursor", "cursor_expired", "invalid_type").WithSummary(
            "Platform only: every contract and account event once, in order per contract and per account, after a cursor " +
            "(follow nextCursor; none: from the oldest kept), optionally of some types (comma-separated; nextCursor then moves past " +
            "the events of other types read, so a page may be empty while the cursor moves on).");
        return group;
    }

    public static async Task<Results<Ok<FeedPage>, ProblemHttpResult>> Feed([AsParameters] ApiServices api, string? after, int? limit, string? types)
    {
        string[]? only = null;
        if (!string.IsNullOrEmpty(types))
        {
            only = [.. types.Split(',', StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
            if (!only.All(FeedEvents.IsTypeName))
            {
                return Problems.Invalid("invalid_type", "types", "types must be event types (such as milestone.funded), separated by commas.");
            }
        }

        return CommandResults.Answer(api.Http, await api.Grains.GetGrain<IEventFeedGrain>(0).ReadAsync(api.Caller, after, limit ?? 100, only), TypedResults.Ok);
    }
}
