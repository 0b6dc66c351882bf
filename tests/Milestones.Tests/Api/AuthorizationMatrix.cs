namespace Milestones.Tests.Api;

/// <summary>
/// Every route of api.md, the state it needs to succeed, and who may call it. A caller without a valid
/// token gets 401; a caller the route allows gets its success status; a party outside its role 403
/// <c>role_not_allowed</c>; a caller the resource is hidden from 404.
/// </summary>
public static class AuthorizationMatrix
{
    private const string NewContract =
        """{"freelancerId":"{freelancer}","title":"Logo","currency":"USD","milestones":[{"description":"Logo","dueDate":"{due}","amount":500}]}""";

    private static readonly IReadOnlyList<Caller> Unauthenticated = [Caller.NoToken, Caller.GarbageToken, Caller.ExpiredToken, Caller.WrongKeyToken];

    public static IReadOnlyList<RouteSpec> Routes { get; } =
    [
        // Contracts
        new("POST /v1/contracts", Arrange.NoContract, "POST", "/v1/contracts", NewContract, 201,
            Allowed: [Caller.Client], Forbidden: [Caller.Platform], Hidden: []),
        new("GET /v1/contracts", Arrange.Draft, "GET", "/v1/contracts?role=client", null, 200,
            Allowed: [Caller.Client, Caller.Freelancer, Caller.Stranger, Caller.Platform], Forbidden: [], Hidden: []),
        new("GET /v1/contracts/{id}", Arrange.Draft, "GET", "/v1/contracts/{id}", null, 200,
            Allowed: [Caller.Client, Caller.Freelancer, Caller.Platform], Forbidden: [], Hidden: [Caller.Stranger]),
        new("GET /v1/contracts/{id}/events", Arrange.Draft, "GET", "/v1/contracts/{id}/events", null, 200,
            Allowed: [Caller.Client, Caller.Freelancer, Caller.Platform], Forbidden: [], Hidden: [Caller.Stranger]),
        new("GET /v1/contracts/{id}/audit", Arrange.Draft, "GET", "/v1/contracts/{id}/audit", null, 200,
            Allowed: [Caller.Client, Caller.Freelancer, Caller.Platform], Forbidden: [], Hidden: [Caller.Stranger]),

        // Terms
        new("POST /v1/contracts/{id}/milestones", Arrange.Active, "POST", "/v1/contracts/{id}/milestones",
            """{"description":"Extra","dueDate":"{due}","amount":700}""", 201,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("PATCH /v1/contracts/{id}/milestones/{milestoneId}", Arrange.Active, "PATCH", "/v1/contracts/{id}/milestones/m2", """{"amount":2500}""", 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("DELETE /v1/contracts/{id}/milestones/{milestoneId}", Arrange.Active, "DELETE", "/v1/contracts/{id}/milestones/m2?message=Later", null, 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/accept", Arrange.Draft, "POST", "/v1/contracts/{id}/accept", """{"termsVersion":1}""", 200,
            Allowed: [Caller.Client, Caller.Freelancer], Forbidden: [Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/decline", Arrange.Draft, "POST", "/v1/contracts/{id}/decline", """{"message":"No thanks"}""", 200,
            Allowed: [Caller.Freelancer], Forbidden: [Caller.Client, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/withdraw", Arrange.Draft, "POST", "/v1/contracts/{id}/withdraw", """{"message":"Sorry"}""", 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        // Only the client (or the platform) may choose to release held funds when ending.
        new("POST /v1/contracts/{id}/end", Arrange.Funded, "POST", "/v1/contracts/{id}/end", """{"heldFunds":"release","message":"Thanks"}""", 200,
            Allowed: [Caller.Client, Caller.Platform], Forbidden: [Caller.Freelancer], Hidden: [Caller.Stranger]),

        // Milestones
        new("POST /v1/contracts/{id}/milestones/{milestoneId}/fund", Arrange.Active, "POST", "/v1/contracts/{id}/milestones/m1/fund", null, 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/milestones/{milestoneId}/submit", Arrange.Funded, "POST", "/v1/contracts/{id}/milestones/m1/submit",
            """{"message":"Done","links":["https://example.com/pr/1"]}""", 200,
            Allowed: [Caller.Freelancer], Forbidden: [Caller.Client, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/milestones/{milestoneId}/approve", Arrange.Submitted, "POST", "/v1/contracts/{id}/milestones/m1/approve", null, 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/milestones/{milestoneId}/request-changes", Arrange.Submitted, "POST",
            "/v1/contracts/{id}/milestones/m1/request-changes", """{"message":"Please fix the colours"}""", 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),

        // Change requests
        new("POST /v1/contracts/{id}/change-requests", Arrange.Active, "POST", "/v1/contracts/{id}/change-requests",
            """{"message":"Raise m2","operations":[{"op":"edit","milestoneId":"m2","amount":2500}]}""", 201,
            Allowed: [Caller.Freelancer], Forbidden: [Caller.Client, Caller.Platform], Hidden: [Caller.Stranger]),
        new("GET /v1/contracts/{id}/change-requests", Arrange.OpenChangeRequest, "GET", "/v1/contracts/{id}/change-requests", null, 200,
            Allowed: [Caller.Client, Caller.Freelancer, Caller.Platform], Forbidden: [], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/change-requests/{crId}/accept", Arrange.OpenChangeRequest, "POST",
            "/v1/contracts/{id}/change-requests/cr1/accept", """{"message":"OK"}""", 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/change-requests/{crId}/decline", Arrange.OpenChangeRequest, "POST",
            "/v1/contracts/{id}/change-requests/cr1/decline", """{"message":"No"}""", 200,
            Allowed: [Caller.Client], Forbidden: [Caller.Freelancer, Caller.Platform], Hidden: [Caller.Stranger]),
        new("POST /v1/contracts/{id}/change-requests/{crId}/withdraw", Arrange.OpenChangeRequest, "POST",
            "/v1/contracts/{id}/change-requests/cr1/withdraw", """{"message":"Never mind"}""", 200,
            Allowed: [Caller.Freelancer], Forbidden: [Caller.Client, Caller.Platform], Hidden: [Caller.Stranger]),

        // Accounts: own account or platform; anyone else's is not found.
        new("GET /v1/accounts/{userId}", Arrange.NoContract, "GET", "/v1/accounts/{client}", null, 200,
            Allowed: [Caller.Client, Caller.Platform], Forbidden: [], Hidden: [Caller.Freelancer, Caller.Stranger], HiddenCode: "account_not_found"),
        new("GET /v1/accounts/{userId}/transfers", Arrange.NoContract, "GET", "/v1/accounts/{client}/transfers", null, 200,
            Allowed: [Caller.Client, Caller.Platform], Forbidden: [], Hidden: [Caller.Freelancer, Caller.Stranger], HiddenCode: "account_not_found"),
        new("POST /v1/accounts/{userId}/deposits", Arrange.NoContract, "POST", "/v1/accounts/{client}/deposits",
            """{"amount":500,"currency":"USD","reference":"{ref}"}""", 201,
            Allowed: [Caller.Platform], Forbidden: [Caller.Client], Hidden: [Caller.Freelancer, Caller.Stranger], HiddenCode: "account_not_found"),
        new("GET /v1/ledger/verify", Arrange.NoContract, "GET", "/v1/ledger/verify", null, 200,
            Allowed: [Caller.Platform], Forbidden: [Caller.Client, Caller.Freelancer, Caller.Stranger], Hidden: []),
        new("GET /v1/events", Arrange.NoContract, "GET", "/v1/events", null, 200,
            Allowed: [Caller.Platform], Forbidden: [Caller.Client, Caller.Freelancer, Caller.Stranger], Hidden: []),
        new("GET /v1/dev/clock", Arrange.NoContract, "GET", "/v1/dev/clock", null, 200,
            Allowed: [Caller.Platform], Forbidden: [Caller.Client, Caller.Freelancer, Caller.Stranger], Hidden: []),
        new("POST /v1/dev/clock", Arrange.NoContract, "POST", "/v1/dev/clock", AdvanceOneSecond, 200,
            Allowed: [Caller.Platform], Forbidden: [Caller.Client, Caller.Freelancer, Caller.Stranger], Hidden: []),
    ];

    /// <summary>What the shared cluster's sandbox clock may be moved by: a second (its tests' deadlines are days away).</summary>
    public const string AdvanceOneSecond = """{"advanceBy":"PT1S"}""";

    /// <summary>Route × caller, with the expected status and problem code (null for a success).</summary>
    public static TheoryData<string, Caller, int, string?> Cases
    {
        get
        {
            var cases = new TheoryData<string, Caller, int, string?>();
            foreach (var route in Routes)
            {
                foreach (var caller in Unauthenticated)
                {
                    cases.Add(route.Name, caller, 401, "unauthorized");
                }

                foreach (var caller in route.Allowed)
                {
                    cases.Add(route.Name, caller, route.Success, null);
                }

                foreach (var caller in route.Forbidden)
                {
                    cases.Add(route.Name, caller, 403, "role_not_allowed");
                }

                foreach (var caller in route.Hidden)
                {
                    cases.Add(route.Name, caller, 404, route.HiddenCode);
                }
            }

            return cases;
        }
    }

    public static RouteSpec Route(string name) => Routes.Single(r => r.Name == name);
}

/// <summary>One route of api.md: <see cref="Name"/> as api.md writes it, <see cref="Path"/> as sent (templated).</summary>
public sealed record RouteSpec(
    string Name, Arrange State, string Method, string Path, string? Body, int Success,
    IReadOnlyList<Caller> Allowed, IReadOnlyList<Caller> Forbidden, IReadOnlyList<Caller> Hidden, string HiddenCode = "contract_not_found");
