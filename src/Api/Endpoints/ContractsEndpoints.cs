using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Api.Auth;
using Milestones.Api.Hosting;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Contracts ("My Jobs") and their terms: create, read, list, events, accept, decline, withdraw, end.</summary>
public static class ContractsEndpoints
{
    public static RouteGroupBuilder MapContracts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/contracts").WithTags("Contracts").WithProblems().AddEndpointFilter<PathIds>();
        group.MapPost("", Create).WithName("CreateContract").WithSummary("Create a contract offer; the caller is the client.");
        group.MapGet("", List).WithName("ListContracts").WithSummary("The caller's contracts, newest first, paged.");
        group.MapGet("/{id}", Get).WithName("GetContract").WithSummary("A contract with its milestones and totals; returns an ETag.");
        group.MapGet("/{id}/events", Events).WithName("GetContractEvents").WithSummary("The contract's event log, paged by sequence.");
        group.MapPost("/{id}/accept", Accept).WithName("AcceptTerms").WithSummary("Accept a terms version; active once both parties accepted the same one.");
        group.MapPost("/{id}/decline", Decline).WithName("DeclineOffer").WithSummary("The freelancer declines a draft.");
        group.MapPost("/{id}/withdraw", Withdraw).WithName("WithdrawOffer").WithSummary("The client withdraws a draft.");
        group.MapPost("/{id}/end", End).WithName("EndContract").WithSummary("End an active contract; held funds are refunded, or released if the client chooses.");
        return group;
    }

    public static async Task<Results<Created<ContractView>, ProblemHttpResult>> Create(
        CreateContractRequest body, HttpContext http, IGrainFactory grains)
    {
        var require = new Require();
        var milestones = require.Reference(body.Milestones, "milestones")?
            .Select((m, i) => new NewMilestone(
                require.Reference(m?.Description, $"milestones[{i}].description"),
                require.Value(m?.DueDate, $"milestones[{i}].dueDate"),
                require.Value(m?.Amount, $"milestones[{i}].amount")))
            .ToList();
        var command = new CreateContract(
            require.Reference(body.Title, "title"), require.Reference(body.FreelancerId, "freelancerId"), require.Reference(body.Currency, "currency"), milestones!);
        if (require.Problem() is { } missing)
        {
            return missing;
        }

        var caller = http.User.ToCaller();
        var id = ContractIds.New(caller.UserId, http.Request.Headers[RequestHeaders.IdempotencyKey].FirstOrDefault());
        return await CommandResults.Create(http, o => grains.Contract(id).CreateAsync(caller, command, o),
            r => ($"/v1/contracts/{id}", r.Contract));
    }

    public static async Task<Results<Ok<ContractSummaryPage>, ProblemHttpResult>> List(
        HttpContext http, IGrainFactory grains, string? role, string? status, int? limit, string? cursor)
    {
        if (!QueryValues.TryParseOne(role, out PartyRole? partyRole) || partyRole is not (null or PartyRole.Client or PartyRole.Freelancer))
        {
            return Problems.Invalid("invalid_role", "role", "role must be client or freelancer.");
        }

        if (!QueryValues.TryParseSet(status, out ContractStatus[]? statuses))
        {
            return Problems.Invalid("invalid_status", "status", "status must be one or more contract statuses, comma-separated, such as active,completed.");
        }

        var caller = http.User.ToCaller();
        var outcome = await grains.UserContracts(caller.UserId).ListAsync(partyRole, statuses, limit ?? 50, string.IsNullOrEmpty(cursor) ? null : cursor);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<ContractView>, ProblemHttpResult>> Get(string id, HttpContext http, IGrainFactory grains)
    {
        if (!ContractIds.IsValid(id))
        {
            return Problems.From(Errors.ContractNotFound());
        }

        var outcome = await grains.Contract(id).GetAsync(http.User.ToCaller());
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        http.Response.Headers.ETag = RequestHeaders.ETag(outcome.Value!.Version);
        return TypedResults.Ok(outcome.Value);
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> Events(
        string id, HttpContext http, IGrainFactory grains, long? after, int? limit)
    {
        if (!ContractIds.IsValid(id))
        {
            return Problems.From(Errors.ContractNotFound());
        }

        var outcome = await grains.Contract(id).GetEventsAsync(http.User.ToCaller(), after ?? 0, limit ?? 100);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Accept(string id, AcceptTermsRequest body, HttpContext http, IGrainFactory grains)
    {
        var require = new Require();
        var version = require.Value(body.TermsVersion, "termsVersion");
        return require.Problem() is { } missing
            ? Task.FromResult<Results<Ok<ContractView>, ProblemHttpResult>>(missing)
            : Run(id, http, (grain, caller, o) => grain.AcceptTermsAsync(caller, version, o));
    }

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Decline(string id, MessageRequest? body, HttpContext http, IGrainFactory grains) =>
        Run(id, http, (grain, caller, o) => grain.DeclineAsync(caller, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> Withdraw(string id, MessageRequest? body, HttpContext http, IGrainFactory grains) =>
        Run(id, http, (grain, caller, o) => grain.WithdrawAsync(caller, body?.Message, o));

    public static Task<Results<Ok<ContractView>, ProblemHttpResult>> End(string id, EndContractRequest body, HttpContext http, IGrainFactory grains)
    {
        var require = new Require();
        var heldFunds = require.Value(body.HeldFunds, "heldFunds");
        return require.Problem() is { } missing
            ? Task.FromResult<Results<Ok<ContractView>, ProblemHttpResult>>(missing)
            : Run(id, http, (grain, caller, o) => grain.EndAsync(caller, new EndContract(heldFunds, body.Message), o));
    }

    /// <summary>One command on one contract: unknown ids are not found without waking a grain.</summary>
    internal static Task<Results<Ok<ContractView>, ProblemHttpResult>> Run(
        string id, HttpContext http, Func<IContractGrain, Caller, CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        if (!ContractIds.IsValid(id))
        {
            return Task.FromResult<Results<Ok<ContractView>, ProblemHttpResult>>(Problems.From(Errors.ContractNotFound()));
        }

        var grain = http.RequestServices.GetRequiredService<IGrainFactory>().Contract(id);
        var caller = http.User.ToCaller();
        return CommandResults.Run(http, o => command(grain, caller, o));
    }
}
