using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Milestones of a contract: edit the terms (add, edit, delete) and the work (fund, submit, approve, request changes).</summary>
public static class MilestonesEndpoints
{
    public static RouteGroupBuilder MapMilestones(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/contracts/{id}/milestones").WithTags("Milestones").AddEndpointFilter<PathIds>();
        group.MapPost("", Add).WithName("AddMilestone").Refuses([.. OperationProblems.MilestoneFields, .. OperationProblems.Text("message", required: false), "position_out_of_range", "too_many_milestones"]).WithSummary("Add a milestone (draft: either party; active: the client, after the locked ones).");
        group.MapPatch("/{milestoneId}", Edit).WithName("EditMilestone").Refuses([.. OperationProblems.Text("description"), "due_date_in_past", .. OperationProblems.Amount, "position_out_of_range", "nothing_to_change", "milestone_not_found", "milestone_locked", .. OperationProblems.Text("message", required: false)]).WithSummary("Edit a Pending milestone's description, due date, amount or position.");
        group.MapDelete("/{milestoneId}", Delete).WithName("DeleteMilestone").Refuses(["milestone_not_found", "milestone_locked", "last_milestone", .. OperationProblems.Text("message", required: false)]).WithSummary("Delete a Pending milestone.");
        group.MapPost("/{milestoneId}/fund", Fund).WithName("FundMilestone").Refuses("milestone_not_found", "milestone_not_fundable", "milestone_out_of_order", "insufficient_funds").WithSummary("The client funds the milestone: its amount is held in escrow.");
        group.MapPost("/{milestoneId}/submit", Submit).WithName("SubmitWork").Refuses([.. OperationProblems.Text("message"), "too_many_links", "invalid_link", "milestone_not_found", "milestone_state_conflict"]).WithSummary("The freelancer submits the work; the review clock starts.");
        group.MapPost("/{milestoneId}/approve", Approve).WithName("ApproveMilestone").Refuses([.. OperationProblems.Amount, .. OperationProblems.Text("message", required: false), "milestone_not_found", "milestone_state_conflict"]).WithSummary("The client approves: all of the milestone, or `amount` of it, is released to the freelancer (less the service fee, pending for the security period); the rest returns to the client.");
        group.MapPost("/{milestoneId}/request-changes", RequestChanges).WithName("RequestChanges").Refuses([.. OperationProblems.Text("message"), "milestone_not_found", "milestone_state_conflict"]).WithSummary("The client asks for changes: back to funded, the clock stops.");
        return group;
    }

    public static async Task<Results<Created<MilestoneView>, ProblemHttpResult>> Add(string id, AddMilestoneRequest body, [AsParameters] ApiServices api)
    {
        var command = new AddMilestone(body.Description!, body.DueDate!.Value, body.Amount!.Value, body.Position, body.Message);
        var caller = api.Caller;
        return await CommandResults.Create(api.Http, o => api.Grains.Contract(id).AddMilestoneAsync(caller, command, o),
            r => ($"/v1/contracts/{id}", r.Contract.Milestones.Single(m => m.Id == r.CreatedId)));
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Edit(string id, string milestoneId, EditMilestoneRequest body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.EditMilestoneAsync(
            caller, new EditMilestone(milestoneId, body.Description, body.DueDate, body.Amount, body.Position, body.Message), o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Delete(string id, string milestoneId, string? message, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.DeleteMilestoneAsync(caller, new DeleteMilestone(milestoneId, message), o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Fund(string id, string milestoneId, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.FundMilestoneAsync(caller, milestoneId, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Submit(string id, string milestoneId, SubmitWorkRequest body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.SubmitWorkAsync(caller, new SubmitWork(milestoneId, body.Message!, body.Links), o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Approve(string id, string milestoneId, ApproveRequest? body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.ApproveMilestoneAsync(caller, new ApproveWork(milestoneId, body?.Amount, body?.Message), o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> RequestChanges(
        string id, string milestoneId, RequestChangesRequest body, [AsParameters] ApiServices api) =>
        ContractsEndpoints.Run(id, api, (grain, caller, o) => grain.RequestChangesAsync(caller, new RequestChanges(milestoneId, body.Message!), o));
}
