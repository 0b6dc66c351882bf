using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>
/// The one id rule at the HTTP edge: a NUL, a zero-width space or 129 characters in a freelancer id, a path id or
/// a deposit reference is 400 with the rule's code, and nothing changes (NUL once reached PostgreSQL as a 500).
/// In a path, NUL itself never gets this far (the test server and Kestrel refuse it): a path test uses U+0001.
/// </summary>
public sealed class IdRuleApiTests(ApiFactory factory) : ApiTest(factory)
{
    public static TheoryData<string, string> BadIds(string field) => new()
    {
        { "bob\0", "invalid_id" },
        { "b\u200Bob", "invalid_id" },
        { new string('b', 129), field + "_too_long" },
    };

    public static TheoryData<string, string> BadFreelancerIds() => BadIds("freelancerId");

    public static TheoryData<string, string> BadReferences() => BadIds("reference");

    [Theory]
    [MemberData(nameof(BadFreelancerIds))]
    public async Task Create_WithABadFreelancerId_Is400_AndCreatesNothing(string freelancerId, string code)
    {
        var response = await Client.PostAsJsonAsync("/v1/contracts", new
        {
            freelancerId,
            title = "Shop",
            currency = "USD",
            milestones = new[] { new { description = "Design", dueDate = Due, amount = 500 } },
        });

        var problem = await Problem(response, HttpStatusCode.BadRequest, code);
        Assert.NotNull(problem["errors"]!["freelancerId"]);
        var mine = await Json(await Client.GetAsync("/v1/contracts"), HttpStatusCode.OK);
        Assert.Empty(mine["items"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(BadReferences))]
    public async Task Deposit_WithABadReference_Is400_AndChangesNoBalance(string reference, string code)
    {
        await DepositAsync(ClientId, 1_000);
        var before = (await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK)).ToJsonString();

        var response = await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/deposits", new { amount = 500, currency = "USD", reference });

        await Problem(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, (await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK)).ToJsonString());
    }

    [Theory]
    [InlineData("/v1/accounts/{bad}", "GET", "userId", null)]
    [InlineData("/v1/accounts/{bad}/transfers", "GET", "userId", null)]
    [InlineData("/v1/accounts/{bad}/deposits", "POST", "userId", """{"amount":500,"currency":"USD","reference":"pi_x"}""")]
    [InlineData("/v1/contracts/{bad}", "GET", "id", null)]
    [InlineData("/v1/contracts/{bad}/accept", "POST", "id", """{"termsVersion":1}""")]
    [InlineData("/v1/contracts/{id}/milestones/{bad}/fund", "POST", "milestoneId", null)]
    [InlineData("/v1/contracts/{id}/milestones/{bad}", "PATCH", "milestoneId", """{"amount":700}""")]
    [InlineData("/v1/contracts/{id}/change-requests/{bad}/accept", "POST", "changeRequestId", """{"message":"OK"}""")]
    public async Task APathIdThatBreaksTheRule_Is400_AndChangesNothing(string route, string method, string field, string? json)
    {
        await DepositAsync(ClientId, 1_000);
        var id = await CreateActiveAsync(1_000);
        var before = await ContractJsonAsync(id);
        var balances = (await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK)).ToJsonString();
        var caller = field == "userId" && method == "POST" ? Platform : Client;

        foreach (var (bad, code) in new[] { ("x%01y", "invalid_id"), ("x%E2%80%8By", "invalid_id"), (new string('x', 129), field + "_too_long") })
        {
            var path = route.Replace("{id}", id, StringComparison.Ordinal).Replace("{bad}", bad, StringComparison.Ordinal);
            var response = await caller.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = json is null ? null : RawJson(json) });

            var problem = await Problem(response, HttpStatusCode.BadRequest, code);
            Assert.NotNull(problem["errors"]![field]);
        }

        Assert.Equal(before, await ContractJsonAsync(id));
        Assert.Equal(balances, (await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK)).ToJsonString());
    }
}
