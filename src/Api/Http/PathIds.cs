using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>
/// The route-group filter for ids in a path: every id (contract, milestone, change request, user) must pass the one
/// id rule (<see cref="Validate.Id"/>): 400 with the rule's code otherwise. A contract id (<c>{id}</c>) the API could
/// not have handed out is 404 without waking a grain.
/// </summary>
public sealed class PathIds : IEndpointFilter
{
    private const string ContractId = "id";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.RouteValues;
        foreach (var name in OperationProblems.PathIdNames)
        {
            if (values.TryGetValue(name, out var value) && Validate.Id(value as string, name) is { } error)
            {
                return ValueTask.FromResult<object?>(Problems.From(error));
            }
        }

        if (values.TryGetValue(ContractId, out var id) && !ContractIds.IsValid((string)id!))
        {
            return ValueTask.FromResult<object?>(Problems.From(Errors.ContractNotFound()));
        }

        return next(context);
    }
}
