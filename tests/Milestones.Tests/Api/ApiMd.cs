using System.Text.RegularExpressions;

namespace Milestones.Tests.Api;

/// <summary>The routes of ../shared/design/api.md ("METHOD path"), route parameters written as <c>{}</c>.</summary>
public static partial class ApiMd
{
    /// <summary>Development only, and anonymous: not in the authorisation matrix.</summary>
    public const string DevTokens = "POST /v1/dev/tokens";

    public static IReadOnlyList<string> Routes { get; } =
    [
        "POST /v1/contracts",
        "GET /v1/contracts",
        "GET /v1/contracts/{}",
        "GET /v1/contracts/{}/events",
        "GET /v1/contracts/{}/audit",
        "POST /v1/contracts/{}/milestones",
        "PATCH /v1/contracts/{}/milestones/{}",
        "DELETE /v1/contracts/{}/milestones/{}",
        "POST /v1/contracts/{}/accept",
        "POST /v1/contracts/{}/decline",
        "POST /v1/contracts/{}/withdraw",
        "POST /v1/contracts/{}/end",
        "POST /v1/contracts/{}/milestones/{}/fund",
        "POST /v1/contracts/{}/milestones/{}/submit",
        "POST /v1/contracts/{}/milestones/{}/approve",
        "POST /v1/contracts/{}/milestones/{}/request-changes",
        "POST /v1/contracts/{}/change-requests",
        "GET /v1/contracts/{}/change-requests",
        "POST /v1/contracts/{}/change-requests/{}/accept",
        "POST /v1/contracts/{}/change-requests/{}/decline",
        "POST /v1/contracts/{}/change-requests/{}/withdraw",
        "GET /v1/accounts/{}",
        "GET /v1/accounts/{}/transfers",
        "POST /v1/accounts/{}/deposits",
        "GET /v1/ledger/verify",
        "GET /v1/events",
        "GET /v1/dev/clock",
        "POST /v1/dev/clock",
    ];

    /// <summary><c>GET /v1/contracts/{id}</c> → <c>GET /v1/contracts/{}</c>: parameter names differ between api.md and the code.</summary>
    public static string Normalize(string route) => Parameter().Replace(route, "{}");

    [GeneratedRegex(@"\{[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
