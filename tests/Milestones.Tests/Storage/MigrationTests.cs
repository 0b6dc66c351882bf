using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Events;
using Milestones.Silo;
using Milestones.Silo.Storage;
using Npgsql;

namespace Milestones.Tests.Storage;

/// <summary>
/// The schema migrations on a fresh store: re-running is a no-op, and runs that race — two tasks, or two
/// <c>migrate</c> processes — apply every script exactly once and leave the same schema as one run does.
/// </summary>
public abstract partial class MigrationTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    protected abstract StorageProvider Kind { get; }

    [Fact]
    public async Task AppliedTwice_TheSecondRunAppliesNothing_AndTheSchemaIsUnchanged()
    {
        await using var store = await TestStore.CreateAsync(Kind);

        var first = await store.MigrateAsync();
        var schema = await store.DumpSchemaAsync();
        var second = await store.MigrateAsync();

        Assert.True(first >= 3, $"expected the whole schema (3 scripts or more), got {first}");
        Assert.Equal(0, second);
        Assert.Equal(schema, await store.DumpSchemaAsync());
        await AssertEveryScriptRecordedOnceAsync(store, first);
    }

    [Fact]
    public async Task TwoRunsAtOnce_InOneProcess_ApplyEveryScriptOnce_AndGiveTheSameSchema()
    {
        var (expected, scripts) = await ReferenceSchemaAsync();
        await using var store = await TestStore.CreateAsync(Kind);

        var applied = await Task.WhenAll(Task.Run(() => store.MigrateAsync()), Task.Run(() => store.MigrateAsync()));

        Assert.Equal(scripts, applied.Sum());
        Assert.Equal(expected, await store.DumpSchemaAsync());
        await AssertEveryScriptRecordedOnceAsync(store, scripts);
    }

    [Fact]
    public async Task TwoMigrateProcessesAtOnce_ApplyEveryScriptOnce_AndGiveTheSameSchema()
    {
        var (expected, scripts) = await ReferenceSchemaAsync();
        await using var store = await TestStore.CreateAsync(Kind);
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = store.Settings.Provider.ToString(),
            ["ConnectionStrings__Milestones"] = store.ConnectionString,
        };

        using var one = SiloProcess.Start(environment, "migrate");
        using var two = SiloProcess.Start(environment, "migrate");
        var exits = await Task.WhenAll(one.WaitForExitAsync(ProcessTimeout), two.WaitForExitAsync(ProcessTimeout));

        Assert.True(exits.All(e => e == 0), $"first:\n{one.Describe()}\nsecond:\n{two.Describe()}");
        Assert.Equal(scripts, AppliedCount(one) + AppliedCount(two));
        Assert.Equal(expected, await store.DumpSchemaAsync());
        await AssertEveryScriptRecordedOnceAsync(store, scripts);
    }

    /// <summary>The schema one undisturbed run gives, on a store of its own.</summary>
    private async Task<(string Schema, int Scripts)> ReferenceSchemaAsync()
    {
        await using var reference = await TestStore.CreateAsync(Kind);
        var scripts = await reference.MigrateAsync();
        return (await reference.DumpSchemaAsync(), scripts);
    }

    private static async Task AssertEveryScriptRecordedOnceAsync(TestStore store, int scripts)
    {
        var recorded = await store.AppliedScriptsAsync();
        Assert.Equal(scripts, recorded.Count);
        Assert.Equal(scripts, recorded.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(recorded, r => Assert.StartsWith(r.Version.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + "_", r.Name, StringComparison.Ordinal));
    }

    private static int AppliedCount(SiloProcess process)
    {
        var match = AppliedLine().Match(process.StandardOutput);
        Assert.True(match.Success, $"no 'Schema up to date' line:\n{process.Describe()}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Schema up to date; (\d+) script\(s\) applied\.")]
    private static partial Regex AppliedLine();
}

public sealed class PostgresMigrationTests : MigrationTests
{
    protected override StorageProvider Kind => StorageProvider.Postgres;

    [Fact]
    public async Task EventsAnEarlierBuildLeftUnpositioned_GetTheirPlacesAfterTheirServicesHead_AndNewWritesFollowThem()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync(through: 6);

        // As a build whose sequencer positioned events after commit left them: service a positioned through 2, the rest waiting.
        await store.ScalarAsync("""
            INSERT INTO feedhead (serviceid, position, pruned) VALUES ('a', 2, 0);
            INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body) VALUES
                ('a', 's', 1, 1, now(), 't', 'a1'), ('a', 's', 2, 2, now(), 't', 'a2'), ('a', 's', 3, NULL, now(), 't', 'a3'),
                ('b', 's', 1, NULL, now(), 't', 'b1'), ('a', 'r', 1, NULL, now(), 't', 'ar1'), ('b', 's', 2, NULL, now(), 't', 'b2');
            """);
        await store.MigrateAsync();

        // Then this build writes on it: its events follow them all, each placed once, by the transaction that stores it.
        await using var written = PostgresGrainStateStore.Create(store.ConnectionString, "a", NullLogger.Instance);
        await written.WriteAsync([new GrainStateWrite("contract", "c", [1], null, events: [new("s", 4, DateTimeOffset.UtcNow, "t", "a4")])], CancellationToken.None);

        Assert.Equal("a1:1 a2:2 a3:3 ar1:4 b1:1 b2:2",
            await store.ScalarAsync("SELECT string_agg(body || ':' || position, ' ' ORDER BY serviceid, position) FROM feedevent WHERE position < 1000"));
        Assert.Equal(["a1", "a2", "a3", "ar1", "a4"], (await written.ReadFeedOfAsync(5)).Events.Select(e => e.Body));
    }

    [Fact]
    public async Task StreamsAnEarlierBuildStoredAsText_AreRewrittenAsThisBuildStoresThem_ReadBack_AndContractsKeptByRetention()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync(through: 13);
        string[] streams = ["contract:ctr_0123456789abcdef0123456789abcdef", "contract:ctr_0123456789ABCDEF0123456789ABCDEF", "contract:c", "account:usr_ä", "s"];
        foreach (var (stream, i) in streams.Select((stream, i) => (stream, i + 1)))
        {
            await store.ScalarAsync($"INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body) VALUES ('a', '{stream}', 1, {i}, now() - interval '2 days', 't', '{stream}');");
        }

        await store.MigrateAsync();

        await using var written = PostgresGrainStateStore.Create(store.ConnectionString, "a", NullLogger.Instance);
        await written.WriteAsync([new GrainStateWrite("contract", "c", [1], null, events: [.. streams.Select(stream => new OutboxEvent(stream, 2, DateTimeOffset.UtcNow, "t", stream + " 2"))])], CancellationToken.None);
        foreach (var stream in streams)
        {
            Assert.Equal(FeedStream.Encode(stream), (byte[])(await store.ScalarAsync($"SELECT stream FROM feedevent WHERE body = '{stream}'"))!);
            Assert.Equal([stream, stream + " 2"], await written.ReadStreamAsync(stream, 0, 10, CancellationToken.None));
        }

        await written.PruneAsync(DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);
        Assert.Equal(string.Join(" ", streams.Take(3)), await store.ScalarAsync("SELECT string_agg(body, ' ' ORDER BY position) FROM feedevent WHERE seq = 1"));
    }

    [Theory]
    [InlineData("contract:ctr_0123456789abcdef0123456789abcdef", 17)]
    [InlineData("contract:ctr_0123456789ABCDEF0123456789ABCDEF", 45)]
    [InlineData("contract:ctr_0123", 17)]
    [InlineData("account:usr_ä", 1 + 6)]
    [InlineData("account:", 1)]
    [InlineData("stream:1", 8)]
    public void AStreamsStoredName_ReadsBackAsItsName(string stream, int length)
    {
        var stored = FeedStream.Encode(stream);
        Assert.Equal((stream, length), (FeedStream.Decode(stored), stored.Length));
    }

    [Fact]
    public async Task AnEventThatCommitsLate_IsNeverPlacedUnderWhatAReaderHasRead()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync();
        await using var written = PostgresGrainStateStore.Create(store.ConnectionString, "a", NullLogger.Instance);
        static GrainStateWrite Write(string grain, string body) => new("contract", grain, [1], null, events: [new(grain, 1, DateTimeOffset.UtcNow, "t", body)]);

        // A writer's transaction begins first and is still open while a second commits.
        await using var late = new NpgsqlConnection(store.ConnectionString);
        await late.OpenAsync();
        await using var transaction = await late.BeginTransactionAsync();
        await using (var begin = new NpgsqlCommand("SELECT pg_current_xact_id()", late, transaction))
        {
            await begin.ExecuteScalarAsync();
        }

        await written.WriteAsync([Write("early", "second")], CancellationToken.None);
        var held = await written.ReadFeedAsync(0, 10, null, CancellationToken.None);
        Assert.Empty(held.Events);

        // The open one stores its event the way the store does, and commits: it comes first, and the reader misses neither.
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body) VALUES ('a', 'late', 1, (pg_current_xact_id()::text::bigint << 16) + 1, now(), 't', 'first')",
            late, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        var read = await written.ReadFeedAsync(held.ReadThrough(0, 10), 10, null, CancellationToken.None);
        Assert.Equal(["first", "second"], read.Events.Select(e => e.Body));
        Assert.True(read.Head >= read.Events[^1].Position);
    }

    [Fact]
    public async Task EventsAnEarlierBuildStoredAsText_ReadBeside_TheDeflatedOnesThisBuildStores()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync();
        var large = "{\"data\":\"" + string.Concat(Enumerable.Repeat("released ", 60)) + "\"}";
        await store.ScalarAsync($"INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body) VALUES ('a', 's', 1, 1, now(), 't', '{large}');");

        await using var written = PostgresGrainStateStore.Create(store.ConnectionString, "a", NullLogger.Instance);
        OutboxEvent[] events = [new("s", 2, DateTimeOffset.UtcNow, "t", large), new("s", 3, DateTimeOffset.UtcNow, "t", "{}")];
        await written.WriteAsync(
            [new GrainStateWrite("contract", "c", [1], null, events: events, rows: EventRow.Of(events, pack: true))],
            CancellationToken.None);

        Assert.Equal([large, large, "{}"], (await written.ReadFeedOfAsync(3)).Events.Select(e => e.Body));
        Assert.Equal([large, large, "{}"], await written.ReadStreamAsync("s", 0, 10, CancellationToken.None));
        Assert.Equal("1:text 2:packed 3:text", await store.ScalarAsync(
            "SELECT string_agg(seq || ':' || CASE WHEN packed IS NULL THEN 'text' ELSE 'packed' END, ' ' ORDER BY seq) FROM feedevent"));
        Assert.True((int)(await store.ScalarAsync("SELECT octet_length(packed) FROM feedevent WHERE seq = 2"))! < large.Length / 4);
    }

    [Fact]
    public async Task AnswersAnEarlierBuildStoredInRowsOfTheirOwn_ReadBeside_TheOnesThisBuildStoresBesideNewEvents()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync();
        await store.ScalarAsync("INSERT INTO commandanswer (serviceid, grainid, key, answer) VALUES ('a', 'contract/c', 'earlier', '\\x01'::bytea);");

        await using var written = PostgresGrainStateStore.Create(store.ConnectionString, "a", NullLogger.Instance);
        static OutboxEvent Event(long seq) => new("s", seq, DateTimeOffset.UnixEpoch, "t", $"e{seq}");
        static AnswerWrite Answer(string key, byte answer, int? beside) => new("contract/c", key, [answer], beside);
        async Task WriteAsync(string grain, long? expected, OutboxEvent[] events, AnswerWrite[] answers) =>
            await written.WriteAsync([new GrainStateWrite("contract", grain, [1], expected, events: events, answers: answers)], CancellationToken.None);

        // Three answers, two new events in one row: the first answer beside them, the others in rows of their own.
        await WriteAsync("contract/c", null, [Event(1), Event(2)], [Answer("k1", 11, 0), Answer("k2", 12, 1), Answer("k3", 13, null)]);
        // A row stored already (an event of it sent again) is stored from its new event, with its first answer.
        await WriteAsync("contract/c", 1, [Event(2), Event(3)], [Answer("k4", 14, 0), Answer("k5", 15, 1)]);
        // A row whose every event is stored already takes no answer: its answer takes a row of its own.
        await WriteAsync("contract/c", 2, [Event(3)], [Answer("k8", 18, 0)]);
        // A key remembered again after it was forgotten: its newest answer is read.
        await WriteAsync("contract/c", 3, [Event(4)], [Answer("k1", 21, 0)]);
        // Another grain's write (an account's) carries the contract's events and an answer beside them: the contract's.
        await WriteAsync("account/a", null, [Event(5), Event(6)], [Answer("k6", 16, 1)]);

        Assert.Equal("1:k1 3:k4 4:k1 5:k6", await store.ScalarAsync("SELECT string_agg(seq || ':' || answerkey, ' ' ORDER BY seq) FROM feedevent"));
        Assert.Equal("earlier k2 k3 k5 k8", await store.ScalarAsync("SELECT string_agg(key, ' ' ORDER BY key) FROM commandanswer"));
        foreach (var (key, answer) in new[] { ("earlier", 1), ("k1", 21), ("k2", 12), ("k3", 13), ("k4", 14), ("k5", 15), ("k6", 16), ("k8", 18) })
        {
            Assert.Equal([(byte)answer], (await written.ReadAnswerAsync("contract/c", "s", key, CancellationToken.None))!);
        }

        Assert.Null(await written.ReadAnswerAsync("contract/c", "s", "k7", CancellationToken.None));
    }
}

public sealed class SqliteMigrationTests : MigrationTests
{
    protected override StorageProvider Kind => StorageProvider.Sqlite;

    [Fact]
    public async Task EventsAnEarlierBuildLeftUnpositioned_GetTheirPlacesAfterTheirServicesHead_InInsertionOrder()
    {
        await using var store = await TestStore.CreateAsync(Kind);
        await store.MigrateAsync();

        // As a build that positioned events later left them: service a positioned through 2, the rest waiting.
        await store.ScalarAsync("""
            CREATE INDEX ix_feedevent_unpositioned ON feedevent (serviceid) WHERE position IS NULL;
            INSERT INTO feedhead (serviceid, position, pruned) VALUES ('a', 2, 0);
            INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body) VALUES
                ('a', 's', 1, 1, 0, 't', 'a1'), ('a', 's', 2, 2, 0, 't', 'a2'), ('a', 's', 3, NULL, 0, 't', 'a3'),
                ('b', 's', 1, NULL, 0, 't', 'b1'), ('a', 'r', 1, NULL, 0, 't', 'ar1'), ('b', 's', 2, NULL, 0, 't', 'b2');
            SELECT 1;
            """);
        await store.ScalarAsync(MigrationScriptCatalog.Load(Kind).Single(s => s.Name == "0007_feed_positions_at_insert").Sql + "SELECT 1;");

        Assert.Equal("a1:1 a2:2 a3:3 ar1:4 b1:1 b2:2",
            await store.ScalarAsync("SELECT group_concat(body || ':' || position, ' ') FROM (SELECT body, position FROM feedevent ORDER BY serviceid, position)"));
        Assert.Equal("a:4 b:2", await store.ScalarAsync("SELECT group_concat(serviceid || ':' || position, ' ') FROM (SELECT * FROM feedhead ORDER BY serviceid)"));
        Assert.Equal(0L, await store.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'ix_feedevent_unpositioned'"));
    }
}
