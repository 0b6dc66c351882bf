using Microsoft.Extensions.Logging.Abstractions;
using System.Collections.Concurrent;
using Milestones.Events;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// The outbox and the feed on each store: events are stored with their state's write and only if it succeeded (a
/// stale write leaves none; an event sent again is stored once, as first written, and takes no place in the feed),
/// and a reader following the cursor while batches commit concurrently (each event positioned by the transaction
/// that stores it) sees every event exactly once, in order per stream, at contiguous positions; one following a rare type only (its cursor moving past the others to the head) sees
/// every event of that type exactly once.
/// </summary>
public sealed class EventFeedStoreTests
{
    private const int Streams = 48;
    private const int Writers = 6;
    private const int Rounds = 25;

    [Theory]
    [InlineData(StorageProvider.Postgres)]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Memory)]
    public async Task ConcurrentCommits_AReaderFollowingTheCursor_SeesEveryEventOnce_InStreamOrder(StorageProvider kind)
    {
        await using var opened = await OpenAsync(kind);
        var store = opened.Store;
        var written = new ConcurrentDictionary<(string Stream, long Seq), string>();
        var writing = true;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = Enumerable.Range(0, Streams).Where(s => s % Writers == w).Select(s => $"stream:{s}").ToList();
            var versions = mine.ToDictionary(s => s, _ => (long?)null);
            var seqs = mine.ToDictionary(s => s, _ => 0L);
            for (var round = 0; round < Rounds; round++)
            {
                // Every stream writes its next events; some also send a stale write, and some send their last event again.
                var batch = new List<GrainStateWrite>();
                var stale = new List<GrainStateWrite>();
                foreach (var stream in mine)
                {
                    var events = new List<OutboxEvent>();
                    if (seqs[stream] > 0 && random.Next(4) == 0)
                    {
                        events.Add(Event(stream, seqs[stream], "sent again"));
                    }

                    for (var n = random.Next(1, 4); n > 0; n--)
                    {
                        events.Add(Event(stream, ++seqs[stream], "real"));
                    }

                    batch.Add(new GrainStateWrite("state", stream, [1], versions[stream], events: events));
                    if (versions[stream] is { } version && random.Next(5) == 0)
                    {
                        stale.Add(new GrainStateWrite("state", stream, [2], version - 1, events: [Event(stream, seqs[stream] + 1, "stale")]));
                    }
                }

                var committed = await store.WriteAsync(batch, CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    versions[batch[i].GrainId] = committed[i] ?? throw new InvalidOperationException("A current write was refused.");
                    foreach (var e in batch[i].Events.Where(e => e.Json.EndsWith("|real", StringComparison.Ordinal)))
                    {
                        written[(e.Stream, e.Seq)] = e.Json;
                    }
                }

                if (stale.Count > 0)
                {
                    Assert.All(await store.WriteAsync(stale, CancellationToken.None), version => Assert.Null(version));
                }
            }
        })).ToList();

        // One reader of every event, and one of a rare type only, whose cursor moves past the others to the head.
        async Task<List<(long Position, string Body)>> FollowAsync(IReadOnlyCollection<string>? types)
        {
            var seen = new List<(long Position, string Body)>();
            long cursor = 0;
            DateTime? deadline = null;
            while (true)
            {
                var done = !Volatile.Read(ref writing);
                var page = await store.ReadFeedAsync(cursor, 40, types, CancellationToken.None);
                seen.AddRange(page.Events);
                cursor = page.ReadThrough(cursor, 40);
                // Once the writers are done, the feed's head may still wait for a transaction of the database's own
                // (an ANALYZE the store started holds the snapshot's xmin back): read on until every event written has
                // been seen, for a bounded time, so that an event skipped still fails the test below.
                deadline ??= done ? DateTime.UtcNow.AddSeconds(30) : null;
                var expected = types is null ? written.Count : written.Values.Count(body => TypeOf(body) == Rare);
                if (done && page.Events.Count == 0 && (seen.Count >= expected || DateTime.UtcNow > deadline))
                {
                    return seen;
                }
            }
        }

        var reader = Task.Run(() => FollowAsync(null));
        var rareReader = Task.Run(() => FollowAsync([Rare]));

        await Task.WhenAll(writers);
        Volatile.Write(ref writing, false);
        var seen = await reader;
        var rare = await rareReader;

        // Positions only grow (consecutive on SQLite and in memory; on PostgreSQL they follow transaction ids).
        Assert.Equal(seen.Select(e => e.Position).Distinct().Order(), seen.Select(e => e.Position));
        var events = seen.Select(e => e.Body.Split('|')).Select(p => (Stream: p[0], Seq: long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Body: p[2])).ToList();
        Assert.All(events, e => Assert.Equal("real", e.Body));
        Assert.Equal(written.Count, events.Count);
        foreach (var stream in events.GroupBy(e => e.Stream))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(s => (long)s), stream.Select(e => e.Seq));
        }

        Assert.Equal(seen.Where(e => TypeOf(e.Body) == Rare), rare);
        Assert.NotEmpty(rare);
    }

    [Theory]
    [InlineData(StorageProvider.Postgres)]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Memory)]
    public async Task Prune_DeletesEventsOlderThanTheCutoff_MarksTheHighestPruned_AndKeepsContractsLogsOutOfTheFeed(StorageProvider kind)
    {
        await using var opened = await OpenAsync(kind);
        var store = opened.Store;
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        var contract = FeedEvents.ContractStream("ctr_1");
        await store.WriteAsync(
            [new GrainStateWrite("state", "a", [1], null, events: [Event("a", 1, "real", old), Event("a", 2, "real", old), Event("a", 3, "real")])],
            CancellationToken.None);
        await store.WriteAsync([new GrainStateWrite("state", "c", [1], null, events: [Event(contract, 1, "real", old), Event(contract, 2, "real", old)])], CancellationToken.None);
        await store.WriteAsync([new GrainStateWrite("state", "b", [1], null, events: [Event("b", 1, "real", old), Event("b", 2, "real")])], CancellationToken.None);

        var placed = (await store.ReadFeedOfAsync(7)).Events.ToDictionary(e => e.Body, e => e.Position);
        Assert.Equal(3, await store.PruneAsync(DateTimeOffset.UtcNow.AddDays(-30), CancellationToken.None));

        // The feed goes on after the highest position pruned: a|3, under b|1, is behind it; the contract's
        // old events stay in their stream and leave the feed.
        var rest = await store.ReadFeedAsync(0, 10, null, CancellationToken.None);
        Assert.Equal(placed["b|1|real"], rest.Pruned);
        Assert.True(rest.Head >= placed["b|2|real"]);
        Assert.Equal([(placed["b|2|real"], "b|2|real")], rest.Events);
        Assert.Empty((await store.ReadFeedAsync(0, 10, ["t.a"], CancellationToken.None)).Events);
        Assert.Equal([$"{contract}|1|real", $"{contract}|2|real"], await store.ReadStreamAsync(contract, 0, 10, CancellationToken.None));
        Assert.Equal([$"{contract}|2|real"], await store.ReadStreamAsync(contract, 1, 10, CancellationToken.None));
        Assert.Equal([$"{contract}|1|real"], await store.ReadStreamAsync(contract, 0, 1, CancellationToken.None));
    }

    [Theory]
    [InlineData(StorageProvider.Postgres)]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Memory)]
    public async Task EventsWrittenTogether_ReadOnceInPagesOfAnySize_ByType_AndFromAnyPlaceInTheirStream(StorageProvider kind)
    {
        await using var opened = await OpenAsync(kind);
        var store = opened.Store;
        var at = DateTimeOffset.UtcNow;
        // 66 events of one write (on PostgreSQL rows of 64 and 2), two of another stream's; then three more of the
        // first stream's, sent with the first write's last two again (a write whose outcome was unknown).
        await store.WriteAsync(
            [
                new GrainStateWrite("state", "s", [1], null, events: [.. Enumerable.Range(1, 66).Select(seq => Event("s", seq, "real", at))]),
                new GrainStateWrite("state", "t", [1], null, events: [Event("t", 1, "real", at), Event("t", 2, "real", at)]),
            ],
            CancellationToken.None);
        await store.WriteAsync(
            [new GrainStateWrite("state", "s", [2], 1, events: [Event("s", 65, "again", at), Event("s", 66, "again", at), .. Enumerable.Range(67, 3).Select(seq => Event("s", seq, "real", at))])],
            CancellationToken.None);

        var all = (await store.ReadFeedOfAsync(71)).Events;
        Assert.Equal(71, all.Count);
        Assert.All(all, e => Assert.EndsWith("|real", e.Body, StringComparison.Ordinal));
        Assert.Equal(all.Select(e => e.Position).Distinct().Order(), all.Select(e => e.Position));
        var stream = all.Where(e => e.Body.StartsWith("s|", StringComparison.Ordinal)).Select(e => e.Body).ToList();
        Assert.Equal(Enumerable.Range(1, 69).Select(seq => $"s|{seq}|real"), stream);
        if (opened.Database is { } database)
        {
            // PostgreSQL keeps the events of a write together, up to 64 a row, and the rest of a row sent again.
            Assert.Equal(kind == StorageProvider.Postgres ? 4L : 71L, await database.ScalarAsync("SELECT count(*) FROM feedevent"));
        }

        foreach (var size in new[] { 1, 2, 5 })
        {
            Assert.Equal(all, await ReadAllAsync(null, size));
            Assert.Equal(all.Where(e => TypeOf(e.Body) == Rare), await ReadAllAsync([Rare], size));
            for (var after = 0; after <= 69; after++)
            {
                Assert.Equal(stream.Skip(after).Take(size), await store.ReadStreamAsync("s", after, size, CancellationToken.None));
            }
        }

        async Task<List<(long Position, string Body)>> ReadAllAsync(IReadOnlyCollection<string>? types, int size)
        {
            var read = new List<(long Position, string Body)>();
            for (long cursor = 0; ;)
            {
                var page = await store.ReadFeedAsync(cursor, size, types, CancellationToken.None);
                read.AddRange(page.Events);
                if (page.Events.Count < size)
                {
                    return read;
                }

                cursor = page.ReadThrough(cursor, size);
            }
        }
    }

    /// <summary>Every fifth event of a stream is of this type.</summary>
    private const string Rare = "t.rare";

    private static OutboxEvent Event(string stream, long seq, string body, DateTimeOffset? at = null) =>
        new(stream, seq, at ?? DateTimeOffset.UtcNow, seq % 5 == 0 ? Rare : "t." + stream.Split(':')[^1][..1], $"{stream}|{seq}|{body}");

    private static string TypeOf(string body) => long.Parse(body.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture) % 5 == 0 ? Rare : "other";

    private static async Task<OpenedStore> OpenAsync(StorageProvider kind)
    {
        if (kind == StorageProvider.Memory)
        {
            return new OpenedStore(new MemoryGrainStateStore(), null);
        }

        var database = await TestStore.CreateAsync(kind);
        await database.MigrateAsync();
        var serviceId = "feed-" + Guid.NewGuid().ToString("N")[..8];
        GrainStateStore store = kind == StorageProvider.Postgres
            ? PostgresGrainStateStore.Create(database.ConnectionString, serviceId, NullLogger.Instance)
            : new SqliteGrainStateStore(database.ConnectionString, serviceId, NullLogger.Instance);
        return new OpenedStore(store, database);
    }

    private sealed record OpenedStore(GrainStateStore Store, TestStore? Database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            if (Database is not null)
            {
                await Database.DisposeAsync();
            }
        }
    }
}
