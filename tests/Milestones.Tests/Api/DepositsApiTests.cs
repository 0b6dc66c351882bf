using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>Deposits over HTTP: a reference credits one account, and a replay returns the first response byte for byte.</summary>
public sealed class DepositsApiTests(ApiFactory factory) : ApiTest(factory)
{
    private readonly string reference = "pi_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheSameReference_OnAnotherAccount_IsAConflict()
    {
        await DepositAsync(ClientId, 500, reference);

        await Problem(await Platform.PostAsJsonAsync($"/v1/accounts/{FreelancerId}/deposits", new { amount = 500, currency = "USD", reference }),
            HttpStatusCode.Conflict, "deposit_reference_conflict");

        var account = await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK);
        Assert.Empty(account["balances"]!.AsArray());
    }

    [Fact]
    public async Task ADepositReplay_ReturnsTheFirstResponseBody_WithTheReplayHeader()
    {
        var first = await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/deposits", new { amount = 1_000, currency = "USD", reference });
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var contract = await CreateActiveAsync(300);
        await Json(await Client.PostAsync($"/v1/contracts/{contract}/milestones/m1/fund", null), HttpStatusCode.OK);

        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/v1/accounts/{ClientId}/deposits")
        {
            Content = JsonContent.Create(new { amount = 1_000, currency = "USD", reference }),
        };
        retry.Headers.Add("Idempotency-Key", "deposit-" + reference);
        var replay = await Platform.SendAsync(retry);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }
}
