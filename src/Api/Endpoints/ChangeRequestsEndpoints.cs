using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Auth;
using Milestones.Api.Hosting;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Change requests on an active contract: the freelancer proposes, the client accepts or declines.</summary>
public static class ChangeRequestsEndpoints
{
    public static RouteGroupBuilder MapChangeRequests(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/contracts/{id}/change-requests").WithTags("Change requests").WithProblems().AddEndpointFilter<PathIds>();
        group.MapPost("", Propose).WithName("ProposeChange").WithSummary("The freelancer proposes add / edit / delete operations on Pending milestones.");
        group.MapGet("", List).WithName("ListChangeRequests").WithSummary("The contract's change requests.");
        group.MapPost("/{changeRequestId}/accept", Accept).WithName("AcceptChangeRequest").WithSummary("The client accepts: applied atomically if every milestone it touches is still Pending.");
        group.MapPost("/{changeRequestId}/decline", Decline).WithName("DeclineChangeRequest").WithSummary("The client declines.");
        group.MapPost("/{changeRequestId}/withdraw", Withdraw).WithName("WithdrawChangeRequest").WithSummary("The freelancer withdraws an open request.");
        return group;
    }

    public static async Task<Results<Created<ChangeRequestView>, ProblemHttpResult>> Propose(
        string id, ChangeRequestRequest body, HttpContext http, IGrainFactory grains)
    {
        if (!ContractIds.IsValid(id))
        {
            return Problems.From(Errors.ContractNotFound());
        }

        var require = new Require();
        var message = require.Reference(body.Message, "message");
        var operations = require.Reference(body.Operations, "operations")?
            .Select((op, i) => new ChangeOperation(
                require.Value(op?.Op, $"operations[{i}].op"), op?.MilestoneId, op?.Description, op?.DueDate, op?.Amount, op?.Position))
            .ToList();
        if (require.Problem() is { } missing)
        {
            return missing;
        }

        var caller = http.User.ToCaller();
        return await CommandResults.Create(http, o => grains.Contract(id).ProposeChangeAsync(caller, new ProposeChange(message, operations!), o),
            r => ($"/v1/contracts/{id}/change-requests", r.Contract.ChangeRequests.Single(c => c.Id == r.CreatedId)));
    }

    public static async Task<Results<Ok<IReadOnlyList<ChangeRequestView>>, ProblemHttpResult>> List(string id, HttpContext http, IGrainFactory grains)
    {
        var contract = await ContractsEndpoints.Get(id, http, grains);
        return contract.Result switch
        {
            Ok<ContractView> ok => TypedResults.Ok(ok.Value!.ChangeRequests),
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Accept(string id, string changeRequestId, MessageRequest? body, HttpContext http) =>
        ContractsEndpoints.Run(id, http, (grain, caller, o) => grain.AcceptChangeAsync(caller, changeRequestId, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Decline(string id, string changeRequestId, MessageRequest? body, HttpContext http) =>
        ContractsEndpoints.Run(id, http, (grain, caller, o) => grain.DeclineChangeAsync(caller, changeRequestId, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Withdraw(string id, string changeRequestId, MessageRequest? body, HttpContext http) =>
        ContractsEndpoints.Run(id, http, (grain, caller, o) => grain.WithdrawChangeAsync(caller, changeRequestId, body?.Message, o));
}
