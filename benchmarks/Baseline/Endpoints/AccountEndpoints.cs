using Milestones.Baseline.Auth;
using Milestones.Baseline.Data;
using Milestones.Baseline.Domain;
using Milestones.Baseline.Hosting;
using Milestones.Baseline.Http;

namespace Milestones.Baseline.Endpoints;

/// <summary>Accounts: the balance view (owner or platform) and deposits (platform only, idempotent by reference).</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/accounts/{userId}", Get);
        routes.MapPost("/v1/accounts/{userId}/deposits", Deposit);
        return routes;
    }

    private static async Task<IResult> Get(string userId, HttpContext http, AccountStore store)
    {
        var caller = http.User.ToCaller();
        return caller.IsPlatform || caller.UserId == userId
            ? Responses.Account(http, await store.GetAsync(userId))
            : Problems.From(Errors.AccountNotFound());
    }

    private static async Task<IResult> Deposit(string userId, DepositRequest body, HttpContext http, AccountStore store, BaselineOptions options)
    {
        var require = new Require();
        var amount = require.Value(body.Amount, "amount");
        var currency = require.Reference(body.Currency, "currency");
        var reference = require.Reference(body.Reference, "reference");
        if (require.Problem() is { } missing)
        {
            return missing;
        }

        // One deposit is at most the largest milestone, as in the Milestones API.
        if (amount > options.MaxAmount)
        {
            return Problems.From(Validate.Amount(amount, options.MaxAmount)!);
        }

        var caller = http.User.ToCaller();
        if (!caller.IsPlatform)
        {
            return Problems.From(caller.UserId == userId
                ? Errors.RoleNotAllowed(PartyRole.Client, "record deposits; the platform does")
                : Errors.AccountNotFound());
        }

        var error = Validate.Currency(currency)
            ?? Validate.Text(reference, "reference", Validate.MaxIdLength)
            ?? (amount <= 0 ? Errors.Invalid("invalid_amount", "amount", "A deposit must be a positive integer in minor units.") : null);
        return error is not null
            ? Problems.From(error)
            : Responses.Account(http, await store.DepositAsync(userId, amount, currency, reference), created: true);
    }
}
