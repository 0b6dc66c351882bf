using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Change requests on an active contract: the freelancer proposes, the client accepts or declines.</summary>
public static class ChangeRequestsEndpoints
{
    public static RouteGroupBuilder MapChangeRequests(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/contracts/{id}/change-requests").WithTags("Change requests").AddEndpointFilter<PathIds>();
        group.MapPost("", Propose).WithName("ProposeChange").Refuses([.. OperationProblems.Text("message"), "invalid_operations", "invalid_operation", "milestone_fields_required", "too_many_milestones", .. OperationProblems.MilestoneFields, "position_out_of_range", "nothing_to_change", "milestone_not_found", "milestone_locked", "last_milestone"]).WithSummary("The freelancer proposes add / edit / delete operations on Pending milestones.");
        group.MapGet("", List).WithName("ListChangeRequests").WithSummary("The contract's change requests.");
        group.MapPost("/{changeRequestId}/accept", Accept).WithName("AcceptChangeRequest").Refuses(["change_request_not_found", "change_request_not_open", "change_request_stale", .. OperationProblems.Text("message", required: false), "too_many_milestones", .. OperationProblems.MilestoneFields, "position_out_of_range", "milestone_not_found", "milestone_locked", "last_milestone"]).WithSummary("The client accepts: applied atomically if every milestone it touches is still Pending.");
        group.MapPost("/{changeRequestId}/decline", Decline).WithName("DeclineChangeRequest").Refuses(["change_request_not_found", "change_request_not_open", .. OperationProblems.Text("message", required: false)]).WithSummary("The client declines.");
        group.MapPost("/{changeRequestId}/withdraw", Withdraw).WithName("WithdrawChangeRequest").Refuses(["change_request_not_found", "change_request_not_open", .. OperationProblems.Text("message", required: false)]).WithSummary("The freelancer withdraws an open request.");
        return group;
    }

    public static async Task<Results<Created<ChangeRequestView>, ProblemHttpResult>> Propose(string id, ChangeRequestRequest body, [AsParameters] ApiServices api)
    {
        var operations = body.Operations!.Select(op => new ChangeOperation(op!.Op!.Value, op.MilestoneId, op.Description, op.DueDate, op.Amount, op.Position)).ToList();
        var caller = api.Caller;
        return await CommandResults.Create(api.Http, o => api.Grains.Contract(id).ProposeChangeAsync(caller, new ProposeChange(body.Message!, operations), o),
            r => ($"/v1/contracts/{id}/change-requests", r.Contract.ChangeRequests.Single(c => c.Id == r.CreatedId)));
    }

    public static async Task<Results<Ok<IReadOnlyList<ChangeRequestView>>, ProblemHttpResult>> List(string id, [AsParameters] ApiServices api)
    {
        var outcome = await api.Grains.Contract(id).GetAsync(api.Caller);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ChangeRequests);
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Accept(string id, string changeRequestId, MessageRequest? body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.AcceptChangeAsync(caller, changeRequestId, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Decline(string id, string changeRequestId, MessageRequest? body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.DeclineChangeAsync(caller, changeRequestId, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Withdraw(string id, string changeRequestId, MessageRequest? body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.WithdrawChangeAsync(caller, changeRequestId, body?.Message, o));
}
