using System.Globalization;
using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;

namespace Milestones.Baseline.Endpoints;

/// <summary>Outcomes to HTTP: the body through source-generated JSON, the ETag (contract version) on contracts.</summary>
internal static class Responses
{
    public static IResult Contract(HttpContext http, Outcome<ContractView> outcome, string? location = null)
    {
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        var view = outcome.Value!;
        http.Response.Headers.ETag = "\"" + view.Version.ToString(CultureInfo.InvariantCulture) + "\"";
        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }

        return TypedResults.Json(view, BaselineJson.Default.ContractView, statusCode: location is null ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    public static IResult Account(HttpContext http, Outcome<AccountView> outcome, bool created = false)
    {
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        if (created)
        {
            http.Response.Headers.Location = "/v1/accounts/" + Uri.EscapeDataString(outcome.Value!.UserId);
        }

        return TypedResults.Json(outcome.Value!, BaselineJson.Default.AccountView, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>Contract ids are <c>ctr_</c> and 32 lowercase hex digits; anything else is not found without a query.</summary>
    public static bool IsContractId(string id)
    {
        if (id.Length != 36 || !id.StartsWith("ctr_", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var ch in id.AsSpan(4))
        {
            if (!char.IsAsciiDigit(ch) && ch is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
