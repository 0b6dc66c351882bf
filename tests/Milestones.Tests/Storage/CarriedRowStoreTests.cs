using Milestones.Events;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// A write that carries other grains' rows (a funding's hold carrying its contract's intent) on each store: the group
/// commits whole or not at all, whichever of its rows is stale, while the rest of its batch commits; the carried rows'
/// events take their places in the feed before the carrying write's.
/// </summary>
public sealed class CarriedRowStoreTests
{
    [Theory]
    [InlineData(StorageProvider.Postgres, "contract")]
    [InlineData(StorageProvider.Postgres, "account")]
    [InlineData(StorageProvider.Sqlite, "contract")]
    [InlineData(StorageProvider.Sqlite, "account")]
    [InlineData(StorageProvider.Memory, "contract")]
    [InlineData(StorageProvider.Memory, "account")]
    public async Task AGroupWithOneStaleRow_WritesNoneOfIt_AndTheRestOfTheBatchCommits(StorageProvider kind, string stale)
    {
        await using var opened = await OpenedStore.OpenAsync(kind, "carried");
        var store = opened.Store;
        await SeedAsync(store);

        var contract = new GrainStateWrite("contract", "c", [2], stale == "contract" ? 7 : 1, events: [Event("contract:c", 2)]);
        var account = new GrainStateWrite("account", "a", [2], stale == "account" ? 7 : 1, events: [Event("account:a", 2)]).Carrying([contract]);
        var other = new GrainStateWrite("other", "o", [2], 1, events: [Event("other:o", 2)]);

        var versions = await store.WriteAsync([.. account.WithCarried(), other], CancellationToken.None);

        Assert.Equal([null, null, 2L], versions);
        Assert.Equal(1, (await store.ReadAsync("contract", "c", CancellationToken.None))!.Version);
        Assert.Equal(1, (await store.ReadAsync("account", "a", CancellationToken.None))!.Version);
        Assert.Equal(2, (await store.ReadAsync("other", "o", CancellationToken.None))!.Version);
        Assert.Equal(["contract:c|1", "account:a|1", "other:o|1", "other:o|2"], await FeedAsync(store, 4));
    }

    [Theory]
    [InlineData(StorageProvider.Postgres)]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Memory)]
    public async Task AGroupWhoseRowsAllFit_CommitsTogether_TheCarriedRowsEventsFirst(StorageProvider kind)
    {
        await using var opened = await OpenedStore.OpenAsync(kind, "carried");
        var store = opened.Store;
        await SeedAsync(store);

        var first = new GrainStateWrite("contract", "c", [2], 1, events: [Event("contract:c", 2), Event("contract:c", 3)]);
        var second = new GrainStateWrite("other", "o", [2], 1, events: [Event("other:o", 2)]);
        var account = new GrainStateWrite("account", "a", [2], 1, events: [Event("account:a", 2)]).Carrying([first, second]);

        Assert.Equal([2L, 2L, 2L], await store.WriteAsync([.. account.WithCarried()], CancellationToken.None));
        Assert.Equal(
            ["contract:c|1", "account:a|1", "other:o|1", "contract:c|2", "contract:c|3", "other:o|2", "account:a|2"],
            await FeedAsync(store, 7));
    }

    /// <summary>Three rows at version 1, each with its first event, in this order.</summary>
    private static async Task SeedAsync(GrainStateStore store)
    {
        foreach (var (state, grain) in new[] { ("contract", "c"), ("account", "a"), ("other", "o") })
        {
            Assert.Equal([1L], await store.WriteAsync([new GrainStateWrite(state, grain, [1], null, events: [Event($"{state}:{grain}", 1)])], CancellationToken.None));
        }
    }

    private static async Task<List<string>> FeedAsync(GrainStateStore store, int count) =>
        [.. (await store.ReadFeedOfAsync(count)).Events.Select(e => e.Body)];

    private static OutboxEvent Event(string stream, long seq) => new(stream, seq, DateTimeOffset.UtcNow, "t", $"{stream}|{seq}");
}
