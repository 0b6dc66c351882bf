using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Milestones.Tests.Api;

/// <summary>The platform's event feed over HTTP: every contract and account event once, in order, with whom to notify.</summary>
public sealed class EventFeedApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task AfterALifecycle_TheFeedHasEveryContractAndAccountEvent_InOrder_NamingWhomToNotify()
    {
        var start = await HeadAsync();
        await DepositAsync(ClientId, 10_300);
        var id = await SubmittedAsync(10_000);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/approve", new { message = "Great" }), HttpStatusCode.OK);
        var log = (await Json(await Client.GetAsync($"/v1/contracts/{id}/events?limit=100"), HttpStatusCode.OK))["events"]!.AsArray();

        // The release's outcome is written just after its answer: the feed has it soon after, not necessarily at once.
        var events = await ReadUntilAsync(start, e => e["contractId"]?.GetValue<string>() == id, log.Count);

        var contract = events.Where(e => e["contractId"]?.GetValue<string>() == id).ToList();
        Assert.Equal(log.Select(e => e!["seq"]!.GetValue<long>()), contract.Select(e => e["seq"]!.GetValue<long>()));
        Assert.Equal(log.Select(e => e!["type"]!.GetValue<string>()), contract.Select(e => e["type"]!.GetValue<string>()));
        var approved = contract.Single(e => e["type"]!.GetValue<string>() == "milestone.released");
        Assert.Equal((ClientId, "Great", $"contract:{id}:{approved["seq"]}"),
            (approved["actor"]!.GetValue<string>(), approved["message"]!.GetValue<string>(), approved["id"]!.GetValue<string>()));
        Assert.Equal([FreelancerId], Notified(approved));
        Assert.Equal([ClientId, FreelancerId], Notified(contract.Single(e => e["type"]!.GetValue<string>() == "contract.completed")));

        var client = events.Where(e => e["accountId"]?.GetValue<string>() == ClientId).ToList();
        Assert.Equal(["deposit.recorded", "funds.held", "funds.captured"], client.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal([1L, 2L, 3L], client.Select(e => e["seq"]!.GetValue<long>()));
        Assert.All(client, e => Assert.Equal([ClientId], Notified(e)));
        var credited = Assert.Single(events, e => e["accountId"]?.GetValue<string>() == FreelancerId);
        Assert.Equal(("funds.credited", "9000", "9000"), (credited["type"]!.GetValue<string>(), credited["data"]!["amount"]!.GetValue<string>(), credited["data"]!["pending"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TypesFilter_GivesOnlyThoseTypes_AndTheCursorStillMovesOn()
    {
        var start = await HeadAsync();
        await DepositAsync(ClientId, 10_300);
        var id = await FundedAsync(10_000);

        // The funding's outcome is written just after its answer: read until it is there.
        var events = await ReadUntilAsync(start, e => e["contractId"]?.GetValue<string>() == id, 1, "&types=milestone.funded,funds.held");

        var mine = events.Where(e => e["notify"]!.AsArray().Any(n => n!.GetValue<string>() == ClientId || n!.GetValue<string>() == FreelancerId)).ToList();
        Assert.Equal(["funds.held", "milestone.funded"], mine.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Contains(e["type"]!.GetValue<string>(), new[] { "milestone.funded", "funds.held" }));

        // A page of a type nobody records is empty, and its cursor moves past everything read, so the same events are
        // not read again by the next page.
        var head = await HeadAsync();
        var none = await Json(await Platform.GetAsync($"/v1/events?after={start}&types=test.never_recorded"), HttpStatusCode.OK);
        Assert.Empty(none["items"]!.AsArray());
        Assert.True(long.Parse(none["nextCursor"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= head);
    }

    [Theory]
    [InlineData("after=abc", "invalid_cursor")]
    [InlineData("after=-1", "invalid_cursor")]
    [InlineData("after=1.5", "invalid_cursor")]
    [InlineData("types=Milestone%20funded", "invalid_type")]
    [InlineData("types=milestone.funded,", "invalid_type")]
    public async Task ABadCursorOrType_Is400WithItsCode(string query, string code) =>
        await Problem(await Platform.GetAsync($"/v1/events?{query}"), HttpStatusCode.BadRequest, code);

    [Fact]
    public async Task TheFeed_IsThePlatformsOnly() =>
        await Problem(await Client.GetAsync("/v1/events"), HttpStatusCode.Forbidden, "role_not_allowed");

    private static string[] Notified(JsonNode e) => [.. e["notify"]!.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>The feed's current end: follows nextCursor until a page is empty.</summary>
    private async Task<long> HeadAsync()
    {
        var cursor = "";
        while (true)
        {
            var page = await Json(await Platform.GetAsync($"/v1/events?after={cursor}&limit=500"), HttpStatusCode.OK);
            var next = page["nextCursor"]!.GetValue<string>();
            if (page["items"]!.AsArray().Count == 0)
            {
                return long.Parse(next, System.Globalization.CultureInfo.InvariantCulture);
            }

            cursor = next;
        }
    }

    /// <summary>Follows the feed from <paramref name="after"/> until <paramref name="count"/> events match (for at most ten seconds).</summary>
    private async Task<List<JsonNode>> ReadUntilAsync(long after, Func<JsonNode, bool> match, int count, string query = "")
    {
        var events = new List<JsonNode>();
        var cursor = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (events.Count(match) < count && DateTime.UtcNow < deadline)
        {
            var page = await Json(await Platform.GetAsync($"/v1/events?after={cursor}&limit=500{query}"), HttpStatusCode.OK);
            events.AddRange(page["items"]!.AsArray().Select(e => e!));
            cursor = page["nextCursor"]!.GetValue<string>();
            if (page["items"]!.AsArray().Count == 0)
            {
                await Task.Delay(100);
            }
        }

        var ids = events.Select(e => e["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        return events;
    }
}
