using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>api.md: a retry with the same key and body returns the first response — same status, same body, byte for byte.</summary>
public sealed class ReplayApiTests(ApiFactory factory) : ApiTest(factory)
{
    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpClient client, string path, object? body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static void Replayed((HttpStatusCode Status, string Body, HttpResponseMessage Response) first, (HttpStatusCode Status, string Body, HttpResponseMessage Response) retry)
    {
        Assert.Equal(first.Status, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal("true", retry.Response.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task ACreation_IsReplayedWithItsStatusLocationAndBody()
    {
        var body = new
        {
            freelancerId = FreelancerId, title = "Shop", currency = "USD",
            milestones = new[] { new { description = "All", dueDate = Due, amount = 1_000 } },
        };
        var first = await SendAsync(Client, "/v1/contracts", body, "create-1");
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var retry = await SendAsync(Client, "/v1/contracts", body, "create-1");

        Replayed(first, retry);
        Assert.Equal(first.Response.Headers.Location, retry.Response.Headers.Location);
    }

    [Fact]
    public async Task ARejection_IsReplayedByteForByte_EvenAfterTheStateWouldAllowTheCommand()
    {
        var id = await CreateActiveAsync(1_000);
        var first = await SendAsync(Client, $"/v1/contracts/{id}/milestones/m1/fund", null, "fund-1");
        Assert.Equal(HttpStatusCode.Conflict, first.Status);
        Assert.Contains("insufficient_funds", first.Body, StringComparison.Ordinal);

        await DepositAsync(ClientId, 1_000);
        var retry = await SendAsync(Client, $"/v1/contracts/{id}/milestones/m1/fund", null, "fund-1");

        Replayed(first, retry);
        Assert.Equal("pending", (await Json(await Client.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK))["milestones"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASuccess_IsReplayedByteForByte_AfterLaterChanges()
    {
        await DepositAsync(ClientId, 1_030);
        var id = await CreateActiveAsync(1_000);
        var first = await SendAsync(Client, $"/v1/contracts/{id}/milestones/m1/fund", null, "fund-1");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = "Done" }), HttpStatusCode.OK);

        var retry = await SendAsync(Client, $"/v1/contracts/{id}/milestones/m1/fund", null, "fund-1");

        Replayed(first, retry);
    }
}
