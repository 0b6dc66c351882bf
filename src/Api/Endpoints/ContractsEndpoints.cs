using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Milestones.Api.Hosting;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Contracts ("My Jobs") and their terms: create, read, list, events and their audit chain, accept, decline, withdraw, end.</summary>
public static class ContractsEndpoints
{
    /// <summary>The roles "My Jobs" filters by.</summary>
    private static readonly PartyRole[] ListedRoles = [PartyRole.Client, PartyRole.Freelancer];

    public static RouteGroupBuilder MapContracts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/contracts").WithTags("Contracts").AddEndpointFilter<PathIds>();
        group.MapPost("", Create).WithName("CreateContract").Refuses(["role_not_allowed", "contract_already_exists", .. OperationProblems.Text("title"), .. OperationProblems.Id("freelancerId"), "parties_must_differ", "unknown_currency", "milestones_required", "too_many_milestones", .. OperationProblems.MilestoneFields]).WithSummary("Create a contract offer; the caller is the client.");
        group.MapGet("", List).WithName("ListContracts").Refuses("invalid_role", "invalid_status", "invalid_cursor").WithSummary("The caller's contracts, newest first, paged.")
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                var parameters = operation.Parameters!.OfType<OpenApiParameter>().ToDictionary(p => p.Name!);
                parameters["role"].Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. ListedRoles.Select(r => (System.Text.Json.Nodes.JsonNode)QueryValues.Name(r))] };
                parameters["status"].Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(nameof(ContractStatus), context.Document) };
                parameters["status"].Style = ParameterStyle.Form;
                parameters["status"].Explode = false;
                parameters["status"].Description = "Contract statuses, comma-separated (any when absent).";
                return Task.CompletedTask;
            });
        group.MapGet("/{id}", Get).WithName("GetContract").WithSummary("A contract with its milestones and totals; returns an ETag.")
            .WithMetadata(new OpenApiOperations.SendsETag());
        group.MapGet("/{id}/events", Events).WithName("GetContractEvents").WithSummary("The contract's event log, paged by sequence.");
        group.MapGet("/{id}/audit", Audit).WithName("GetContractAudit").WithSummary(
            "Verifies the contract's audit chain: each event's hash is the lowercase hex SHA-256 of the previous event's hash (32 zero bytes before the first) and the event's RFC 8785 canonical JSON {actor, at, data, message, seq, type}; ok, the number of events, the head (the last hash) and the first event that does not verify.");
        group.MapPost("/{id}/accept", Accept).WithName("AcceptTerms").Refuses("terms_version_mismatch", "terms_already_accepted").WithSummary("Accept a terms version; active once both parties accepted the same one.");
        group.MapPost("/{id}/decline", Decline).WithName("DeclineOffer").Refuses([.. OperationProblems.Text("message", required: false)]).WithSummary("The freelancer declines a draft.");
        group.MapPost("/{id}/withdraw", Withdraw).WithName("WithdrawOffer").Refuses([.. OperationProblems.Text("message", required: false)]).WithSummary("The client withdraws a draft.");
        group.MapPost("/{id}/bonuses", PayBonus).WithName("PayBonus").Refuses([.. OperationProblems.Amount, .. OperationProblems.Text("message", required: false), "insufficient_funds"]).WithSummary("The client pays the freelancer a bonus from its available balance (on an active, completed or ended contract): the client's fee on top, the service fee deducted, pending for the security period.");
        group.MapPost("/{id}/refunds", IssueRefund).WithName("IssueRefund").Refuses([.. OperationProblems.Amount, .. OperationProblems.Text("message", required: false), "refund_exceeds_released", "insufficient_funds"]).WithSummary("The freelancer returns money a release paid it, within 180 days of that release and never more than released: from pending first, then available; the service fee on it comes back from the fee account.");
        group.MapPost("/{id}/end", End).WithName("EndContract").Refuses(["invalid_held_funds", .. OperationProblems.Text("message", required: false)]).WithSummary("End an active contract; held funds are refunded, or released if the client chooses.");
        return group;
    }

    public static async Task<Results<Created<ContractView>, ProblemHttpResult>> Create(CreateContractRequest body, [AsParameters] ApiServices api)
    {
        var milestones = body.Milestones!.Select(m => new NewMilestone(m!.Description!, m.DueDate!.Value, m.Amount!.Value)).ToList();
        var command = new CreateContract(body.Title!, body.FreelancerId!, body.Currency!, milestones);
        var caller = api.Caller;
        var id = ContractIds.New(caller.UserId, api.Http.Request.Headers[RequestHeaders.IdempotencyKey].FirstOrDefault());
        return await CommandResults.Create(api.Http, o => api.Grains.Contract(id).CreateAsync(caller, command, o),
            r => ($"/v1/contracts/{id}", r.Contract));
    }

    public static Task<Results<Created<Payment>, ProblemHttpResult>> PayBonus(string id, MoneyRequest body, [AsParameters] ApiServices api) =>
        CommandResults.Create(api.Http, o => api.Grains.Contract(id).PayBonusAsync(api.Caller, new PayMoney(body.Amount!.Value, body.Message), o),
            r => ($"/v1/contracts/{id}", r.Contract.Bonuses.Single(b => b.Id == r.CreatedId)));

    public static Task<Results<Created<Payment>, ProblemHttpResult>> IssueRefund(string id, MoneyRequest body, [AsParameters] ApiServices api) =>
        CommandResults.Create(api.Http, o => api.Grains.Contract(id).IssueRefundAsync(api.Caller, new PayMoney(body.Amount!.Value, body.Message), o),
            r => ($"/v1/contracts/{id}", r.Contract.Refunds.Single(b => b.Id == r.CreatedId)));

    public static async Task<Results<Ok<ContractSummaryPage>, ProblemHttpResult>> List(
        [AsParameters] ApiServices api, string? role, string? status, int? limit, string? cursor)
    {
        if (!QueryValues.TryParseOne(role, out PartyRole? partyRole) || partyRole is { } r && !ListedRoles.Contains(r))
        {
            return Problems.Invalid("invalid_role", "role", "role must be client or freelancer.");
        }

        if (!QueryValues.TryParseSet(status, out ContractStatus[]? statuses))
        {
            return Problems.Invalid("invalid_status", "status", "status must be one or more contract statuses, comma-separated, such as active,completed.");
        }

        var outcome = await api.Grains.UserContracts().ListAsync(api.Caller.UserId, partyRole, statuses, limit ?? 50, string.IsNullOrEmpty(cursor) ? null : cursor);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<ContractView>, ProblemHttpResult>> Get(string id, [AsParameters] ApiServices api)
    {
        var outcome = await api.Grains.Contract(id).GetAsync(api.Caller);
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        api.Http.Response.Headers.ETag = RequestHeaders.ETag(outcome.Value!.Version);
        return TypedResults.Ok(outcome.Value);
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> Events(string id, [AsParameters] ApiServices api, long? after, int? limit)
    {
        var outcome = await api.Grains.Contract(id).GetEventsAsync(api.Caller, after ?? 0, limit ?? 100);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<AuditReport>, ProblemHttpResult>> Audit(string id, [AsParameters] ApiServices api)
    {
        var outcome = await api.Grains.Contract(id).GetAuditAsync(api.Caller);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Accept(string id, AcceptTermsRequest body, [AsParameters] ApiServices api) =>
        Run(id, api, (grain, caller, o) => grain.AcceptTermsAsync(caller, body.TermsVersion!.Value, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Decline(string id, MessageRequest? body, [AsParameters] ApiServices api) =>
        Run(id, api, (grain, caller, o) => grain.DeclineAsync(caller, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Withdraw(string id, MessageRequest? body, [AsParameters] ApiServices api) =>
        Run(id, api, (grain, caller, o) => grain.WithdrawAsync(caller, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> End(string id, EndContractRequest body, [AsParameters] ApiServices api) =>
        Run(id, api, (grain, caller, o) => grain.EndAsync(caller, new EndContract(body.HeldFunds!.Value, body.Message), o));

    /// <summary>One command on one contract (whose id <see cref="PathIds"/> has checked).</summary>
    internal static Task<Results<Ok<ContractView>, ProblemHttpResult>> Run(
        string id, ApiServices api, Func<IContractGrain, Caller, CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        var grain = api.Grains.Contract(id);
        var caller = api.Caller;
        return CommandResults.Run(api.Http, o => command(grain, caller, o));
    }
}
