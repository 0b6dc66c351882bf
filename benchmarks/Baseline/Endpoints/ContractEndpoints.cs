using Milestones.Baseline.Auth;
using Milestones.Baseline.Data;
using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;

namespace Milestones.Baseline.Endpoints;

/// <summary>The contract and milestone routes the load test drives, with the Milestones API's paths, bodies and codes.</summary>
internal static class ContractEndpoints
{
    public static IEndpointRouteBuilder MapContracts(this IEndpointRouteBuilder routes)
    {
        var contracts = routes.MapGroup("/v1/contracts");
        contracts.MapPost("", Create);
        contracts.MapGet("/{id}", Get);
        contracts.MapPost("/{id}/accept", Accept);
        contracts.MapPost("/{id}/milestones/{milestoneId}/fund", Fund);
        contracts.MapPost("/{id}/milestones/{milestoneId}/submit", Submit);
        contracts.MapPost("/{id}/milestones/{milestoneId}/approve", Approve);
        return routes;
    }

    private static async Task<IResult> Create(CreateContractRequest body, HttpContext http, ContractStore store)
    {
        var require = new Require();
        var milestones = new List<NewMilestone>(body.Milestones?.Count ?? 0);
        var list = require.Reference(body.Milestones, "milestones");
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var m = list![i];
            milestones.Add(new NewMilestone(
                require.Reference(m?.Description, $"milestones[{i}].description"),
                require.Value(m?.DueDate, $"milestones[{i}].dueDate"),
                require.Value(m?.Amount, $"milestones[{i}].amount")));
        }

        var command = new NewContract(
            require.Reference(body.Title, "title"), require.Reference(body.FreelancerId, "freelancerId"), require.Reference(body.Currency, "currency"), milestones);
        if (require.Problem() is { } missing)
        {
            return missing;
        }

        var outcome = await store.CreateAsync(http.User.ToCaller(), command);
        return Responses.Contract(http, outcome, outcome.Value is { } view ? "/v1/contracts/" + view.Id : null);
    }

    private static async Task<IResult> Get(string id, HttpContext http, ContractStore store) =>
        Responses.IsContractId(id)
            ? Responses.Contract(http, await store.GetAsync(http.User.ToCaller(), id))
            : Problems.From(Errors.ContractNotFound());

    private static async Task<IResult> Accept(string id, AcceptTermsRequest body, HttpContext http, ContractStore store)
    {
        var require = new Require();
        var version = require.Value(body.TermsVersion, "termsVersion");
        return require.Problem() ?? (Responses.IsContractId(id)
            ? Responses.Contract(http, await store.AcceptAsync(http.User.ToCaller(), id, version))
            : Problems.From(Errors.ContractNotFound()));
    }

    private static async Task<IResult> Fund(string id, string milestoneId, HttpContext http, EscrowStore store) =>
        Responses.IsContractId(id)
            ? Responses.Contract(http, await store.FundAsync(http.User.ToCaller(), id, milestoneId))
            : Problems.From(Errors.ContractNotFound());

    private static async Task<IResult> Submit(string id, string milestoneId, SubmitWorkRequest body, HttpContext http, ContractStore store)
    {
        var require = new Require();
        var message = require.Reference(body.Message, "message");
        return require.Problem() ?? (Responses.IsContractId(id)
            ? Responses.Contract(http, await store.SubmitAsync(http.User.ToCaller(), id, milestoneId, message, body.Links))
            : Problems.From(Errors.ContractNotFound()));
    }

    private static async Task<IResult> Approve(string id, string milestoneId, HttpContext http, EscrowStore store) =>
        Responses.IsContractId(id)
            ? Responses.Contract(http, await store.ApproveAsync(http.User.ToCaller(), id, milestoneId))
            : Problems.From(Errors.ContractNotFound());
}
