using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>api.md "Operations" and the Development token route.</summary>
public sealed class OperationsApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task OpenApiDocument_ListsEveryRouteOfApiMd()
    {
        var document = await Json(await Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var listed = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => ApiMd.Normalize($"{operation.Key.ToUpperInvariant()} {path.Key}")))
            .ToHashSet();

        Assert.All(ApiMd.Routes.Append(ApiMd.DevTokens), route => Assert.Contains(route, listed));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthChecks_AreHealthy_WithoutAToken(string path)
    {
        var response = await Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_AreForThePlatformRoleOnly()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Metrics_CountBusinessEventsAsCounters_WithoutStutterOrInternalNoise_AndOrleansGauges()
    {
        await DepositAsync(ClientId, 1_030);
        var id = await CreateActiveAsync(1_000);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        await DepositAsync(ClientId, 500);
        var payout = await Json(await Client.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts", new { amount = 500, currency = "USD" }), HttpStatusCode.Created);
        await Json(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{payout["id"]}/complete", new { reference = "tr_metrics" }), HttpStatusCode.OK);

        var text = await (await Platform.GetAsync("/metrics")).Content.ReadAsStringAsync();

        Assert.Contains("# TYPE milestones_contracts_created_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE milestones_transfers_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE milestones_money_moved_total counter", text, StringComparison.Ordinal);
        Assert.Matches("milestones_transfers_total\\{[^}]*purpose=\"fund\"", text);
        Assert.Matches("milestones_money_moved_total\\{[^}]*purpose=\"deposit\"", text);
        Assert.Matches("milestones_money_moved_total\\{[^}]*purpose=\"payout\"", text);
        Assert.DoesNotContain("milestones_milestones_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("private_internaldiagnostics", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_catalog_activations gauge", text, StringComparison.Ordinal);

        // Current values are gauges, never totals (the runtime reports these two as counters).
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length gauge", text, StringComparison.Ordinal);
        Assert.DoesNotMatch("dotnet_thread_pool_(thread_count|queue_length)_total", text);
    }

    [Fact]
    public async Task DevTokens_InDevelopment_IssueATokenTheApiAccepts_WithThePlatformRoleWhenAsked()
    {
        var user = await Json(await Anonymous.PostAsJsonAsync("/v1/dev/tokens", new { userId = ClientId }), HttpStatusCode.OK);
        var platform = await Json(await Anonymous.PostAsJsonAsync("/v1/dev/tokens", new { userId = "ops", platform = true }), HttpStatusCode.OK);

        var asUser = Factory.ClientWithToken(user["token"]!.GetValue<string>());
        var asPlatform = Factory.ClientWithToken(platform["token"]!.GetValue<string>());

        var account = await Json(await asUser.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK);
        Assert.Equal(ClientId, account["userId"]!.GetValue<string>());
        await Problem(await asUser.GetAsync("/v1/ledger/verify"), HttpStatusCode.Forbidden, "role_not_allowed");
        await Json(await asPlatform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK);
    }
}
