using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>
/// Every id in a route path (contract, milestone, change request, user) must pass the one id rule
/// (<see cref="Validate.Id"/>) before any grain sees it: 400 with the rule's code otherwise.
/// </summary>
public sealed class PathIds : IEndpointFilter
{
    private static readonly string[] Names = ["id", "milestoneId", "changeRequestId", "userId"];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.RouteValues;
        foreach (var name in Names)
        {
            if (values.TryGetValue(name, out var value) && Validate.Id(value as string, name) is { } error)
            {
                return ValueTask.FromResult<object?>(Problems.From(error));
            }
        }

        return next(context);
    }
}
