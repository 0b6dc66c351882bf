using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Milestones.Tests.Api;

/// <summary>
/// A JSON body that names a member twice (<c>{"amount":1,"amount":999999}</c>) means different things to different
/// readers: every route refuses it with 400 <c>duplicate_field</c>, and nothing changes.
/// </summary>
public sealed partial class DuplicateMemberApiTests(ApiFactory factory) : MatrixApiTest(factory)
{
    /// <summary>Every route that reads a JSON body: the bad-input matrix's and the rest, each with a body it would take.</summary>
    private static readonly IReadOnlyList<BodyRoute> Routes =
    [
        .. BadInputMatrix.BodyRoutes,
        new("approve", Arrange.Submitted, Caller.Client, "POST", "/v1/contracts/{id}/milestones/m1/approve", """{"message":"Great"}""", 200),
        new("pay bonus", Arrange.Active, Caller.Client, "POST", "/v1/contracts/{id}/bonuses", """{"amount":100,"message":"Thanks"}""", 201),
        new("issue refund", Arrange.Submitted, Caller.Freelancer, "POST", "/v1/contracts/{id}/refunds", """{"amount":100,"message":"Sorry"}""", 201),
        new("request payout", Arrange.NoContract, Caller.Client, "POST", "/v1/accounts/{client}/payouts", """{"amount":500,"currency":"USD"}""", 201),
        new("complete payout", Arrange.NoContract, Caller.Platform, "POST", "/v1/accounts/{client}/payouts/po_1/complete", """{"reference":"bank-1"}""", 200),
        new("fail payout", Arrange.NoContract, Caller.Platform, "POST", "/v1/accounts/{client}/payouts/po_1/fail", """{"reason":"Account closed"}""", 200),
        new("create webhook", Arrange.NoContract, Caller.Platform, "POST", "/v1/webhooks", """{"url":"https://example.com/hook","description":"Ours"}""", 201),
        new("replay webhook", Arrange.NoContract, Caller.Platform, "POST", "/v1/webhooks/wh_1/replay", """{"after":"0"}""", 200),
        new("dev token", Arrange.NoContract, Caller.Platform, "POST", "/v1/dev/tokens", """{"userId":"alice","platform":false}""", 200),
    ];

    public static TheoryData<string> RouteNames => [.. Routes.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(RouteNames))]
    public async Task ABodyThatNamesAMemberTwice_Is400DuplicateField_AndChangesNothing(string route)
    {
        var spec = Routes.Single(r => r.Name == route);
        await ArrangeAsync(spec.State);
        var before = await SnapshotAsync();
        var webhooks = (await Json(await Platform.GetAsync("/v1/webhooks"), HttpStatusCode.OK)).ToJsonString();

        var response = await SendAsync(ClientOf(spec.As), spec.Method, spec.Path, WithFirstMemberTwice(spec.Body));

        var problem = await Problem(response, HttpStatusCode.BadRequest, "duplicate_field");
        Assert.Equal("https://milestones.dev/problems/duplicate_field", problem["type"]!.GetValue<string>());
        AssertUnchanged(before, await SnapshotAsync());
        Assert.Equal(webhooks, (await Json(await Platform.GetAsync("/v1/webhooks"), HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task EveryOperationWithARequestBody_IsCovered()
    {
        var document = await Json(await Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var withBodies = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(o => o.Value is JsonObject operation && operation["requestBody"] is not null).Select(o => (Method: o.Key.ToUpperInvariant(), Path: path.Key)))
            .ToList();

        Assert.NotEmpty(withBodies);
        Assert.All(withBodies, operation => Assert.True(
            Routes.Any(r => r.Method == operation.Method && Template(operation.Path).IsMatch(r.Path)), $"{operation.Method} {operation.Path} is not covered"));
    }

    /// <summary>The body with its first member written once more in front: <c>{"a":1,"b":2}</c> becomes <c>{"a":1,"a":1,"b":2}</c>.</summary>
    private static string WithFirstMemberTwice(string body)
    {
        var (name, value) = JsonNode.Parse(body)!.AsObject().First();
        return body.Insert(1, $"\"{name}\":{value!.ToJsonString()},");
    }

    private static Regex Template(string path) => new("^" + Parameter().Replace(path, "[^/]+") + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\{[^}]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
