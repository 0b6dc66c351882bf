using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Milestones.Tests.Api;

/// <summary>Base of the API tests: parties with tokens, JSON helpers, and the ledger check after every test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(ApiFactory factory) : IAsyncLifetime
{
    protected ApiFactory Factory => factory;
    protected string ClientId { get; } = "client-" + Guid.NewGuid().ToString("N")[..8];
    protected string FreelancerId { get; } = "freelancer-" + Guid.NewGuid().ToString("N")[..8];
    protected HttpClient Client { get; private set; } = null!;
    protected HttpClient Freelancer { get; private set; } = null!;
    protected HttpClient Platform { get; private set; } = null!;
    protected HttpClient Stranger { get; private set; } = null!;
    protected HttpClient Anonymous { get; private set; } = null!;
    protected static string Due => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public Task InitializeAsync()
    {
        Client = factory.ClientFor(ClientId);
        Freelancer = factory.ClientFor(FreelancerId);
        Platform = factory.ClientFor("marketplace", platform: true);
        Stranger = factory.ClientFor("stranger-" + Guid.NewGuid().ToString("N")[..8]);
        Anonymous = factory.ClientFor(null);
        factory.UnlistedCodes.Take();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        var ledger = await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK);
        Assert.True(ledger["ok"]!.GetValue<bool>(), ledger.ToJsonString());
        Assert.Empty(factory.UnlistedCodes.Take());
    }

    protected static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Asserts a problem details response with the given status and code.</summary>
    protected static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        return problem;
    }

    protected async Task DepositAsync(string userId, long amount, string? reference = null) =>
        await Json(await Platform.PostAsJsonAsync($"/v1/accounts/{userId}/deposits",
            new { amount, currency = "USD", reference = reference ?? Guid.NewGuid().ToString("N") }), HttpStatusCode.Created);

    protected async Task<string> CreateAsync(params long[] amounts)
    {
        var contract = await Json(await Client.PostAsJsonAsync("/v1/contracts", new
        {
            freelancerId = FreelancerId,
            title = "Build a shop",
            currency = "USD",
            milestones = amounts.Select((a, i) => new { description = $"Part {i + 1}", dueDate = Due, amount = a }),
        }), HttpStatusCode.Created);
        return contract["id"]!.GetValue<string>();
    }

    protected async Task<string> CreateActiveAsync(params long[] amounts)
    {
        var id = await CreateAsync(amounts);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/accept", new { termsVersion = 1 }), HttpStatusCode.OK);
        var active = await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/accept", new { termsVersion = 1 }), HttpStatusCode.OK);
        Assert.Equal("active", active["status"]!.GetValue<string>());
        return id;
    }

    /// <summary>An active contract of one milestone, funded.</summary>
    protected async Task<string> FundedAsync(long amount)
    {
        var id = await CreateActiveAsync(amount);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        return id;
    }

    /// <summary>An active contract of one milestone, funded and submitted.</summary>
    protected async Task<string> SubmittedAsync(long amount)
    {
        var id = await FundedAsync(amount);
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = "Done" }), HttpStatusCode.OK);
        return id;
    }

    protected async Task<string> ContractJsonAsync(string id) =>
        (await Json(await Client.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK)).ToJsonString();

    protected static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    protected static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}
