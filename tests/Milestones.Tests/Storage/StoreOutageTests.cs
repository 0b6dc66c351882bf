using System.Text.Json;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// api.md "Errors" across the wire: a silo whose database fails answers a Client-mode API (another process) with
/// something the API can read as an outage, so the caller gets 503 with Retry-After, never 500. In the embedded mode
/// the store's exception never crosses a process, so only separate processes show it.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class StoreOutageTests : IAsyncLifetime
{
    private PostgresTestStore store = null!;

    public async Task InitializeAsync()
    {
        store = (PostgresTestStore)await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task ADatabaseGoneUnderASilo_IsA503WithRetryAfter_ForAClientModeApi_OnReadsWritesListsAndTheFeed()
    {
        using var topology = new HostedTopology(store.ConnectionString, "ms-outage-" + Guid.NewGuid().ToString("N")[..8]);
        topology.StartSilo();
        var api = topology.StartApi();
        await topology.WaitReadyAsync(api);
        var (platform, alice) = (await HostedTopology.TokenAsync(api, "platform", platform: true), await HostedTopology.TokenAsync(api, "alice"));
        Assert.Equal(201, (await HostedTopology.SendOnceAsync(HttpMethod.Post, api + "/v1/accounts/alice/deposits", platform,
            new { amount = 5_000, currency = "USD", reference = "pi_outage_1" })).Status);
        var created = await HostedTopology.SendOnceAsync(HttpMethod.Post, api + "/v1/contracts", alice, new
        {
            freelancerId = "bob", title = "Outage", currency = "USD",
            milestones = new[] { new { description = "All", dueDate = "2031-01-01", amount = 1_000 } },
        }, key: "create-1");
        Assert.Equal(201, created.Status);
        var contract = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetString();

        await store.Database.DisposeAsync(); // dropped, its connections ended

        var requests = new (HttpMethod Method, string Path, string Token, object? Body, string? Key)[]
        {
            (HttpMethod.Post, "/v1/accounts/alice/deposits", platform, new { amount = 500, currency = "USD", reference = "pi_outage_2" }, null), // a write
            (HttpMethod.Get, "/v1/accounts/carol", platform, null, null), // a read (the grain's activation)
            (HttpMethod.Post, $"/v1/contracts/{contract}/accept", alice, new { termsVersion = 1 }, "accept-1"), // a keyed command
            (HttpMethod.Get, "/v1/contracts", alice, null, null), // "My Jobs"
            (HttpMethod.Get, "/v1/events", platform, null, null), // the feed
        };
        foreach (var (method, path, token, body, key) in requests)
        {
            var (status, retryAfter, text) = await HostedTopology.SendOnceAsync(method, api + path, token, body, key);

            Assert.True(status == 503, $"{method} {path}: {status} {text}\n{topology.Describe()}");
            Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
            Assert.Equal("service_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
    }
}
