using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Milestones.Api.Auth;
using Milestones.Api.Hosting;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Endpoints;

/// <summary>Escrow accounts: balances and holds, statements, deposits (platform), the ledger check (platform).</summary>
public static class AccountsEndpoints
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Accounts").AddEndpointFilter<PathIds>();
        group.MapGet("/accounts/{userId}", Get).WithName("GetAccount").Refuses("account_not_found", "role_not_allowed", "transfer_in_progress").WithSummary("Available and held per currency, holds per contract and milestone (own account, or platform).");
        group.MapGet("/accounts/{userId}/transfers", Transfers).WithName("GetTransfers").Refuses("account_not_found", "role_not_allowed").WithSummary("The account's ledger lines, paged.");
        group.MapPost("/accounts/{userId}/deposits", Deposit).WithName("RecordDeposit").Refuses(["account_not_found", "role_not_allowed", "unknown_currency", .. OperationProblems.Id("reference"), .. OperationProblems.Amount, "deposit_reference_conflict"]).WithSummary("Platform only: money captured by the payment provider; idempotent by reference, which credits one account only.");
        group.MapPost("/accounts/{userId}/payouts", RequestPayout).WithName("RequestPayout").Refuses(["account_not_found", "role_not_allowed", "unknown_currency", .. OperationProblems.Amount, "insufficient_funds"]).WithSummary("The owner or the platform asks to pay out part of the available balance: it is paying out until the platform reports the provider's outcome, and voided (returned) if none comes within the payout timeout.");
        group.MapGet("/accounts/{userId}/payouts", Payouts).WithName("GetPayouts").Refuses("account_not_found", "role_not_allowed", "invalid_status").WithSummary("The account's payouts in the order asked, optionally of one status, paged.")
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                var status = operation.Parameters!.OfType<OpenApiParameter>().Single(p => p.Name == "status");
                status.Schema = new OpenApiSchemaReference(nameof(PayoutStatus), context.Document);
                status.Description = "Only payouts of this status (any when absent).";
                return Task.CompletedTask;
            });
        group.MapPost("/accounts/{userId}/payouts/{payoutId}/complete", CompletePayout).WithName("CompletePayout").Refuses(["account_not_found", "role_not_allowed", "payout_not_found", "payout_not_pending", .. OperationProblems.Id("reference")]).WithSummary("Platform only: the provider paid it; the money leaves the system.");
        group.MapPost("/accounts/{userId}/payouts/{payoutId}/fail", FailPayout).WithName("FailPayout").Refuses(["account_not_found", "role_not_allowed", "payout_not_found", "payout_not_pending", .. OperationProblems.Text("reason")]).WithSummary("Platform only: the provider could not pay it; the money is available again.");
        group.MapGet("/platform/fees", Fees).WithName("GetFees").Refuses("role_not_allowed").WithSummary("Platform only: the fee account's balance in each currency that has one.");
        group.MapGet("/platform/fees/{currency}/transfers", FeeTransfers).WithName("GetFeeTransfers").Refuses("role_not_allowed", "unknown_currency").WithSummary("Platform only: the fee account's ledger lines in one currency, each linked to the transfer that charged it, paged.");
        group.MapGet("/accounts/{userId}/statement", GetStatement).WithName("GetStatement").Refuses(["account_not_found", "role_not_allowed", .. OperationProblems.StatementQuery]).WithSummary(StatementSummary).WithStatementFormats();
        group.MapGet("/platform/fees/{currency}/statement", GetFeeStatement).WithName("GetFeeStatement").Refuses(["role_not_allowed", "unknown_currency", .. OperationProblems.StatementQuery])
            .WithSummary("Platform only: the fee account's statement in one currency (see GetStatement).").WithStatementFormats();
        group.MapGet("/ledger/verify", Verify).WithName("VerifyLedger").Refuses("role_not_allowed").WithSummary("Platform only: checks that all accounts hold exactly the money deposited.");
        return group;
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Get(string userId, [AsParameters] ApiServices api)
    {
        var outcome = await api.Grains.Account(userId).GetAsync(api.Caller);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static Task<Results<Ok<TransferLinePage>, ProblemHttpResult>> Transfers(
        string userId, [AsParameters] ApiServices api, long? after, int? limit) =>
        Statement(api.Grains.Account(userId), api, after, limit);

    private static async Task<Results<Ok<TransferLinePage>, ProblemHttpResult>> Statement(IAccountGrain account, ApiServices api, long? after, int? limit)
    {
        var outcome = await account.GetTransfersAsync(api.Caller, after ?? 0, limit ?? 100);
        return outcome.Error is { } error
            ? Problems.From(error)
            : TypedResults.Ok(new TransferLinePage(outcome.Value!.Entries.Select(TransferLine.From).ToList(), outcome.Value.NextAfter));
    }

    public static async Task<Results<Created<AccountView>, ProblemHttpResult>> Deposit(
        string userId, DepositRequest body, [AsParameters] ApiServices api, IOptions<MilestonesOptions> options)
    {
        var deposit = new Deposit(body.Amount!.Value, body.Currency!, body.Reference!);
        // The reference names a grain, so it is checked here; one deposit is at most the largest milestone (balances
        // are overflow-checked sums of deposits).
        if (Validate.All(Validate.Currency(deposit.Currency), Validate.Id(deposit.Reference, "reference"), Validate.Amount(deposit.Amount, options.Value.Rules)) is { } invalid)
        {
            return Problems.From(invalid);
        }

        return await CommandResults.RunAccount(api.Http, key => api.Grains.Account(userId).DepositAsync(api.Caller, deposit, key),
            view => TypedResults.Created($"/v1/accounts/{userId}", view));
    }

    public static Task<Results<Created<Payout>, ProblemHttpResult>> RequestPayout(string userId, PayoutRequestBody body, [AsParameters] ApiServices api) =>
        CommandResults.RunAccount(api.Http, key => api.Grains.Account(userId).RequestPayoutAsync(api.Caller, new PayoutRequest(body.Amount!.Value, body.Currency!), key),
            payout => TypedResults.Created($"/v1/accounts/{userId}/payouts?after={payout.Number - 1}&limit=1", payout));

    public static async Task<Results<Ok<PayoutPage>, ProblemHttpResult>> Payouts(
        string userId, [AsParameters] ApiServices api, string? status, long? after, int? limit)
    {
        if (!QueryValues.TryParseOne(status, out PayoutStatus? only))
        {
            return Problems.Invalid("invalid_status", "status", "status must be pending, completed, failed or voided.");
        }

        var outcome = await api.Grains.Account(userId).GetPayoutsAsync(api.Caller, only, after ?? 0, limit ?? 100);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }

    public static Task<Results<Ok<Payout>, ProblemHttpResult>> CompletePayout(string userId, string payoutId, CompletePayoutRequest body, [AsParameters] ApiServices api) =>
        ClosePayout(userId, payoutId, PayoutStatus.Completed, body.Reference!, api);

    public static Task<Results<Ok<Payout>, ProblemHttpResult>> FailPayout(string userId, string payoutId, FailPayoutRequest body, [AsParameters] ApiServices api) =>
        ClosePayout(userId, payoutId, PayoutStatus.Failed, body.Reason!, api);

    private static async Task<Results<Ok<Payout>, ProblemHttpResult>> ClosePayout(string userId, string payoutId, PayoutStatus outcome, string detail, ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.Account(userId).ClosePayoutAsync(api.Caller, payoutId, outcome, detail), TypedResults.Ok);

    public static async Task<Results<Ok<FeeBalances>, ProblemHttpResult>> Fees([AsParameters] ApiServices api)
    {
        var views = await Task.WhenAll(Currency.Codes.Select(c => api.Grains.AccountByKey(GrainKeys.FeeAccount(c)).GetAsync(api.Caller)));
        return views.FirstOrDefault(v => v.Error is not null)?.Error is { } error
            ? Problems.From(error)
            : TypedResults.Ok(new FeeBalances(views.SelectMany(v => v.Value!.Balances).ToList()));
    }

    public static async Task<Results<Ok<TransferLinePage>, ProblemHttpResult>> FeeTransfers(
        string currency, [AsParameters] ApiServices api, long? after, int? limit)
    {
        if (Validate.Currency(currency) is { } unknown)
        {
            return Problems.From(unknown);
        }

        return await Statement(api.Grains.AccountByKey(GrainKeys.FeeAccount(currency)), api, after, limit);
    }

    private const string StatementSummary =
        "The account's ledger lines of a period, for reconciliation: each with its reporting category and what it changed the "
        + "account's balance by, and per currency the balances before and after the period, which they add up to. from and to are "
        + "ISO 8601 dates (midnight UTC) or times, to excluded; contractId keeps one contract's lines (without balances); format=csv "
        + "answers CSV, with opening_balance and closing_balance rows. Streamed: any length of ledger in bounded memory.";

    public static async Task<IResult> GetStatement(
        string userId, [AsParameters] ApiServices api, string? from, string? to, string? contractId, string? format)
    {
        var (query, error) = StatementQuery.Parse(from, to, contractId, format);
        return error is null ? await Statements.Write(api.Grains.Account(userId), api, query!) : Problems.From(error);
    }

    public static async Task<IResult> GetFeeStatement(
        string currency, [AsParameters] ApiServices api, string? from, string? to, string? contractId, string? format)
    {
        var (query, error) = StatementQuery.Parse(from, to, contractId, format);
        if (Validate.All(Validate.Currency(currency), error) is { } invalid)
        {
            return Problems.From(invalid);
        }

        return await Statements.Write(api.Grains.AccountByKey(GrainKeys.FeeAccount(currency)), api, query!);
    }

    /// <summary>A statement is JSON (<see cref="AccountStatement"/>) or, with <c>format=csv</c>, CSV text.</summary>
    private static RouteHandlerBuilder WithStatementFormats(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<AccountStatement>().AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses!["200"].Content!["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            return Task.CompletedTask;
        });

    public static async Task<Results<Ok<LedgerReport>, ProblemHttpResult>> Verify([AsParameters] ApiServices api)
    {
        var outcome = await api.Grains.Ledger().VerifyAsync(api.Caller);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!);
    }
}
