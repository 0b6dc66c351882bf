using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace Milestones.Tests.Api;

/// <summary>The state a matrix case starts from. Every state has a 10 000 USD deposit on the client's account.</summary>
public enum Arrange
{
    /// <summary>No contract: the routes that create one, list, or touch accounts and the ledger.</summary>
    NoContract,
    Draft,
    Active,
    /// <summary>Active, m1 funded.</summary>
    Funded,
    /// <summary>Active, m1 funded and submitted.</summary>
    Submitted,
    /// <summary>Active, with change request cr1 (edit m2) open.</summary>
    OpenChangeRequest,
}

/// <summary>Who sends a matrix request.</summary>
public enum Caller
{
    NoToken,
    GarbageToken,
    ExpiredToken,
    WrongKeyToken,
    Stranger,
    Client,
    Freelancer,
    Platform,
}

/// <summary>
/// Base of the matrix tests: arranges a contract in a given state (two milestones, m1 = 1 000 and m2 = 2 000),
/// sends one templated request, and snapshots everything a request could change.
/// </summary>
public abstract partial class MatrixApiTest(ApiFactory factory) : ApiTest(factory)
{
    public const long Deposit = 10_000;

    protected static string Past => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The contract the case runs against, once arranged.</summary>
    protected string ContractId { get; private set; } = "";

    protected async Task ArrangeAsync(Arrange state)
    {
        await DepositAsync(ClientId, Deposit);
        if (state == Arrange.NoContract)
        {
            return;
        }

        ContractId = state == Arrange.Draft ? await CreateAsync(1_000, 2_000) : await CreateActiveAsync(1_000, 2_000);
        if (state is Arrange.Funded or Arrange.Submitted)
        {
            await Json(await Client.PostAsync($"/v1/contracts/{ContractId}/milestones/m1/fund", null), HttpStatusCode.OK);
        }

        if (state == Arrange.Submitted)
        {
            await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{ContractId}/milestones/m1/submit", new { message = "Done" }), HttpStatusCode.OK);
        }

        if (state == Arrange.OpenChangeRequest)
        {
            var created = await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{ContractId}/change-requests",
                new { message = "Raise m2", operations = new[] { new { op = "edit", milestoneId = "m2", amount = 2_500 } } }), HttpStatusCode.Created);
            Assert.Equal("cr1", created["id"]!.GetValue<string>());
        }
    }

    /// <summary>The HTTP client for a caller; bad tokens are minted for this API's issuer but are expired or wrongly signed.</summary>
    protected HttpClient ClientOf(Caller caller) => caller switch
    {
        Caller.NoToken => Anonymous,
        Caller.GarbageToken => Factory.ClientWithToken("not-a-jwt"),
        Caller.ExpiredToken => Factory.ClientWithToken(Factory.ExpiredToken(ClientId)),
        Caller.WrongKeyToken => Factory.ClientWithToken(Factory.TokenSignedWithAnotherKey(ClientId)),
        Caller.Stranger => Stranger,
        Caller.Client => Client,
        Caller.Freelancer => Freelancer,
        Caller.Platform => Platform,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>
    /// Fills a template: <c>{id}</c>, <c>{client}</c>, <c>{freelancer}</c>, <c>{due}</c>, <c>{past}</c>, <c>{ref}</c>
    /// (a fresh deposit reference) and <c>{x:N}</c> (N times 'x').
    /// </summary>
    protected string Fill(string template) => Repeat().Replace(template
            .Replace("{id}", ContractId, StringComparison.Ordinal)
            .Replace("{client}", ClientId, StringComparison.Ordinal)
            .Replace("{freelancer}", FreelancerId, StringComparison.Ordinal)
            .Replace("{due}", Due, StringComparison.Ordinal)
            .Replace("{past}", Past, StringComparison.Ordinal)
            .Replace("{ref}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal),
        m => new string('x', int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));

    protected async Task<HttpResponseMessage> SendAsync(
        HttpClient client, string method, string path, string? body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
        if (body is not null)
        {
            request.Content = new StringContent(Fill(body), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, Fill(value));
        }

        return await client.SendAsync(request);
    }

    /// <summary>Everything a request could change: the contract, both parties' accounts and statements, the client's "My Jobs".</summary>
    protected async Task<Snapshot> SnapshotAsync() => new(
        ContractId.Length == 0 ? null : await ContractJsonAsync(ContractId),
        await ReadAsync(Platform, $"/v1/accounts/{ClientId}"),
        await ReadAsync(Platform, $"/v1/accounts/{ClientId}/transfers"),
        await ReadAsync(Platform, $"/v1/accounts/{FreelancerId}"),
        await ReadAsync(Client, "/v1/contracts"));

    protected static void AssertUnchanged(Snapshot before, Snapshot after)
    {
        Assert.Equal(before.Contract, after.Contract);
        Assert.Equal(before.ClientAccount, after.ClientAccount);
        Assert.Equal(before.ClientTransfers, after.ClientTransfers);
        Assert.Equal(before.FreelancerAccount, after.FreelancerAccount);
        Assert.Equal(before.ClientContracts, after.ClientContracts);
    }

    private static async Task<string> ReadAsync(HttpClient client, string path) =>
        (await Json(await client.GetAsync(path), HttpStatusCode.OK)).ToJsonString();

    [GeneratedRegex(@"\{x:(\d+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Repeat();

    protected sealed record Snapshot(string? Contract, string ClientAccount, string ClientTransfers, string FreelancerAccount, string ClientContracts);
}
