using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>"My Jobs" over HTTP: a status list is a set, a cursor survives status changes, a tampered cursor is a 400.</summary>
public sealed class MyJobsApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task AStatusList_ListsContractsInAnyOfThoseStatuses_NeverOthers()
    {
        var draft = await CreateAsync(100);
        var active = await CreateActiveAsync(100);
        var ended = await CreateActiveAsync(100);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{ended}/end", new { heldFunds = "refund" }), HttpStatusCode.OK);

        Assert.Equal([active], await IdsAsync("/v1/contracts?status=active,completed"));
        Assert.Equal([ended, active], await IdsAsync("/v1/contracts?status=Active, ended"));
        Assert.Equal([ended, active, draft], await IdsAsync("/v1/contracts?status=draft,active,ended,draft"));
    }

    [Fact]
    public async Task FollowingNextCursor_WhileTheLastShownContractLeavesTheFilter_NeitherRepeatsNorRestarts()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Insert(0, await CreateAsync(100));
        }

        var first = await Json(await Client.GetAsync("/v1/contracts?status=draft&limit=2"), HttpStatusCode.OK);
        var shown = first["items"]!.AsArray().Select(i => i!["contractId"]!.GetValue<string>()).ToList();
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{shown[^1]}/withdraw", new { }), HttpStatusCode.OK);

        var cursor = first["nextCursor"]!.GetValue<string>();
        var rest = await IdsAsync($"/v1/contracts?status=draft&limit=10&cursor={cursor}");

        Assert.Equal(ids[..2], shown);
        Assert.Equal(ids[2..], rest);
    }

    [Fact]
    public async Task ATamperedCursor_IsABadRequest()
    {
        await CreateAsync(100);
        await CreateAsync(100);
        var cursor = (await Json(await Client.GetAsync("/v1/contracts?limit=1"), HttpStatusCode.OK))["nextCursor"]!.GetValue<string>();
        var tampered = cursor[..^1] + (cursor[^1] == 'A' ? 'B' : 'A');

        var problem = await Problem(await Client.GetAsync($"/v1/contracts?limit=1&cursor={tampered}"), HttpStatusCode.BadRequest, "invalid_cursor");

        Assert.NotNull(problem["errors"]?["cursor"]);
    }

    private async Task<List<string>> IdsAsync(string path)
    {
        var page = await Json(await Client.GetAsync(path), HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(i => i!["contractId"]!.GetValue<string>()).ToList();
    }
}
