using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Milestones.Tests.Api;

public sealed class LifecycleApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task WholeContract_OverHttp_FromOfferToCompletion()
    {
        // 10,000 of milestones and the client's 3% fee on them.
        await DepositAsync(ClientId, 10_300);
        var id = await CreateActiveAsync(4_000, 6_000);

        foreach (var m in new[] { "m1", "m2" })
        {
            await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/{m}/fund", null), HttpStatusCode.OK);
            var submitted = await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/{m}/submit",
                new { message = "Done", links = new[] { "https://example.com/pr/1" } }), HttpStatusCode.OK);
            Assert.NotNull(submitted["milestones"]!.AsArray().Single(x => x!["id"]!.GetValue<string>() == m)!["autoReleaseAt"]);
            await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/{m}/approve", null), HttpStatusCode.OK);
        }

        var contract = await Json(await Freelancer.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK);
        Assert.Equal(("completed", 10_000L, 10_000L), (contract["status"]!.GetValue<string>(), contract["price"]!.GetValue<long>(), contract["released"]!.GetValue<long>()));
        Assert.Equal((1_000L, 300L), (contract["fees"]!["freelancerServiceFeeBps"]!.GetValue<long>(), contract["fees"]!["clientFeeBps"]!.GetValue<long>()));
        Assert.Equal([4_000L, 6_000L], contract["milestones"]!.AsArray().Select(m => m!["releasedAmount"]!.GetValue<long>()));

        // Released less the 10% service fee, pending for the security period.
        var account = await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK);
        var balance = account["balances"]![0]!;
        Assert.Equal((0L, 9_000L), (balance["available"]!.GetValue<long>(), balance["pending"]!.GetValue<long>()));
        Assert.Equal([3_600L, 5_400L], balance["pendingReleases"]!.AsArray().Select(p => p!["amount"]!.GetValue<long>()));
        var ours = (await FeeLinesAsync("USD")).Where(t => t["contractId"]!.GetValue<string>() == id).ToList();
        Assert.Equal([400L, 120L, 600L, 180L], ours.Select(t => t!["amount"]!.GetValue<long>()));
        Assert.All(ours, t => Assert.Equal("credit", t!["kind"]!.GetValue<string>()));
        Assert.Equal(["c/m1/release/service-fee", "c/m1/release/client-fee", "c/m2/release/service-fee", "c/m2/release/client-fee"],
            ours.Select(t => t["transferId"]!.GetValue<string>().Replace(id, "c", StringComparison.Ordinal)));
        Assert.Equal([FreelancerId, ClientId, FreelancerId, ClientId], ours.Select(t => t["counterparty"]!.GetValue<string>()));
        await Problem(await Client.GetAsync("/v1/platform/fees"), HttpStatusCode.Forbidden, "role_not_allowed");
        await Problem(await Client.GetAsync("/v1/platform/fees/USD/transfers"), HttpStatusCode.Forbidden, "role_not_allowed");
        var transfers = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/transfers"), HttpStatusCode.OK);
        Assert.Equal(["deposit", "hold", "capture", "hold", "capture"], transfers["transfers"]!.AsArray().Select(t => t!["kind"]!.GetValue<string>()));
        var events = await Json(await Client.GetAsync($"/v1/contracts/{id}/events?after=0&limit=3"), HttpStatusCode.OK);
        Assert.Equal(3, events["events"]!.AsArray().Count);
        Assert.Equal(3, events["nextAfter"]!.GetValue<long>());
        var mine = await Json(await Freelancer.GetAsync("/v1/contracts?role=freelancer&status=completed"), HttpStatusCode.OK);
        Assert.Equal(id, mine["items"]![0]!["contractId"]!.GetValue<string>());
    }

    /// <summary>Every line of the platform's fee account in <paramref name="currency"/>, following nextAfter.</summary>
    private async Task<List<JsonNode>> FeeLinesAsync(string currency)
    {
        var lines = new List<JsonNode>();
        long? after = 0;
        while (after is { } from)
        {
            var page = await Json(await Platform.GetAsync($"/v1/platform/fees/{currency}/transfers?after={from}&limit=500"), HttpStatusCode.OK);
            lines.AddRange(page["transfers"]!.AsArray().Select(t => t!));
            after = page["nextAfter"]?.GetValue<long>();
        }

        return lines;
    }

    [Fact]
    public async Task ChangeRequest_ProposedAndAccepted_ChangesThePendingMilestones()
    {
        var id = await CreateActiveAsync(1_000, 2_000);

        var created = await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/change-requests", new
        {
            message = "Split the second part",
            operations = new object[]
            {
                new { op = "edit", milestoneId = "m2", amount = 1_500 },
                new { op = "add", description = "Extra", dueDate = Due, amount = 700 },
            },
        }), HttpStatusCode.Created);
        Assert.Equal("open", created["status"]!.GetValue<string>());
        var crId = created["id"]!.GetValue<string>();

        var accepted = await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/change-requests/{crId}/accept", new { message = "OK" }), HttpStatusCode.OK);
        Assert.Equal([1_000L, 1_500L, 700L], accepted["milestones"]!.AsArray().Select(m => m!["amount"]!.GetValue<long>()));
        var list = await Json(await Client.GetAsync($"/v1/contracts/{id}/change-requests"), HttpStatusCode.OK);
        Assert.Equal("accepted", list[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysTheFirstResponse_AndRejectsADifferentBody()
    {
        await DepositAsync(ClientId, 5_000);
        var body = new { freelancerId = FreelancerId, title = "Logo", currency = "USD", milestones = new[] { new { description = "Logo", dueDate = Due, amount = 500 } } };
        using var first = new HttpRequestMessage(HttpMethod.Post, "/v1/contracts") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", "create-logo" } } };
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/contracts") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", "create-logo" } } };
        using var other = new HttpRequestMessage(HttpMethod.Post, "/v1/contracts")
        {
            Content = JsonContent.Create(body with { title = "Other" }),
            Headers = { { "Idempotency-Key", "create-logo" } },
        };

        var r1 = await Client.SendAsync(first);
        var r2 = await Client.SendAsync(again);
        var r3 = await Client.SendAsync(other);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (r1.StatusCode, r2.StatusCode));
        Assert.Equal(await r1.Content.ReadAsStringAsync(), await r2.Content.ReadAsStringAsync());
        Assert.Equal("true", r2.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(r1.Headers.Contains("Idempotent-Replayed"));
        await Problem(r3, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        var mine = await Json(await Client.GetAsync("/v1/contracts?role=client"), HttpStatusCode.OK);
        Assert.Single(mine["items"]!.AsArray());
    }

    [Fact]
    public async Task StaleIfMatch_Is412_AndChangesNothing()
    {
        var id = await CreateAsync(1_000);
        var get = await Client.GetAsync($"/v1/contracts/{id}");
        var etag = get.Headers.ETag!.Tag;
        using var edit = new HttpRequestMessage(HttpMethod.Patch, $"/v1/contracts/{id}/milestones/m1") { Content = JsonContent.Create(new { amount = 1_100 }) };
        edit.Headers.TryAddWithoutValidation("If-Match", etag);
        await Json(await Client.SendAsync(edit), HttpStatusCode.OK);
        var before = await ContractJsonAsync(id);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/v1/contracts/{id}/milestones/m1") { Content = JsonContent.Create(new { amount = 1_200 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await Problem(await Client.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");

        Assert.Equal(before, await ContractJsonAsync(id));
    }

    [Fact]
    public async Task FiftyConcurrentHttpFunds_OnOneMilestone_HoldOnce()
    {
        await DepositAsync(ClientId, 100_000);
        var id = await CreateActiveAsync(1_000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var account = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK);
        Assert.Equal((98_970L, 1_030L), (account["balances"]![0]!["available"]!.GetValue<long>(), account["balances"]![0]!["held"]!.GetValue<long>()));
    }
}
