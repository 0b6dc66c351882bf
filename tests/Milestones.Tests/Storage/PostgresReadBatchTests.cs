using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// Reads on PostgreSQL are answered in batches (one statement for the reads waiting): many reads at once — rows that
/// exist, rows that do not, a cleared row and the same row asked for twice — each get exactly their own row; and a
/// database that does not answer fails every read of the batch (an outage, never an empty row). The store has its
/// tables analysed as they grow, so that no plan made while they were nearly empty (a whole-table scan) is kept.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class PostgresReadBatchTests
{
    [Fact]
    public async Task ManyReadsAtOnce_EachGetTheirOwnRow_OrNothing()
    {
        await using var database = await TestStore.CreateAsync(StorageProvider.Postgres);
        await database.MigrateAsync();
        await using var store = PostgresGrainStateStore.Create(database.ConnectionString, "read-batch", NullLogger.Instance);
        var writes = Enumerable.Range(0, 300)
            .Select(i => new GrainStateWrite(i % 2 == 0 ? "contract" : "account", $"grain/{i}", [(byte)(i & 0xFF), (byte)(i >> 8)], null))
            .ToList();
        await store.WriteAsync(writes, CancellationToken.None);
        var cleared = await store.ClearAsync("contract", "grain/0", 1, CancellationToken.None);

        var asked = Enumerable.Range(0, 600).Select(i => (Row: i % 400, StateName: i % 2 == 0 ? "contract" : "account")).ToList();
        var answers = await Task.WhenAll(asked.Select(a => store.ReadAsync(a.StateName, $"grain/{a.Row}", CancellationToken.None)));

        for (var i = 0; i < asked.Count; i++)
        {
            var (row, stateName) = asked[i];
            var written = row < 300 && (row % 2 == 0) == (stateName == "contract");
            if (!written)
            {
                Assert.Null(answers[i]);
            }
            else if (row == 0)
            {
                Assert.Equal((null, cleared!.Value), (answers[i]!.Payload, answers[i]!.Version));
            }
            else
            {
                Assert.Equal(new[] { (byte)(row & 0xFF), (byte)(row >> 8) }, answers[i]!.Payload);
                Assert.Equal(1, answers[i]!.Version);
            }
        }
    }

    [Fact]
    public async Task ReadsFromADatabaseThatDoesNotAnswer_AllFail_NoneAnswersNothing()
    {
        await using var store = PostgresGrainStateStore.Create($"Host=127.0.0.1;Port={FreePorts.Take(1)[0]};Timeout=2", "read-batch", NullLogger.Instance);

        var reads = Enumerable.Range(0, 50).Select(i => store.ReadAsync("contract", $"grain/{i}", CancellationToken.None)).ToList();

        foreach (var read in reads)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => read);
        }
    }

    [Fact]
    public async Task TablesThatGrow_AreAnalysed_OnceAThousandRowsAreInserted()
    {
        await using var database = await TestStore.CreateAsync(StorageProvider.Postgres);
        await database.MigrateAsync();
        await using var store = PostgresGrainStateStore.Create(database.ConnectionString, "analyse", NullLogger.Instance);
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var analyses = new Npgsql.NpgsqlCommand("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'grainstate'", connection);

        async Task InsertAsync(int from, int count) =>
            await store.WriteAsync([.. Enumerable.Range(from, count).Select(i => new GrainStateWrite("contract", $"grain/{i}", [1], null))], CancellationToken.None);

        for (var i = 0; i < 1000; i += 100)
        {
            await InsertAsync(i, 100);
        }

        Assert.Equal(0L, await analyses.ExecuteScalarAsync());
        await InsertAsync(1000, 100);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await analyses.ExecuteScalarAsync())! == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1L, await analyses.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AStoreStartingOnTablesTheStatisticsKnow_LeavesThemToAutovacuum_TillItHasInsertedMoreThanThey()
    {
        await using var database = await TestStore.CreateAsync(StorageProvider.Postgres);
        await database.MigrateAsync();
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var noAutovacuum = new Npgsql.NpgsqlCommand("ALTER TABLE grainstate SET (autovacuum_enabled = false)", connection))
        {
            await noAutovacuum.ExecuteNonQueryAsync();
        }

        // ANALYZE sets pg_class.reltuples in its own transaction: seen at once, unlike the statistics views' counters.
        await using var known = new Npgsql.NpgsqlCommand("SELECT reltuples::bigint FROM pg_class WHERE oid = 'grainstate'::regclass", connection);
        async Task<long> KnownAsync(long expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            long rows;
            while ((rows = (long)(await known.ExecuteScalarAsync())!) != expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            return rows;
        }

        var next = 0;
        async Task InsertAsync(PostgresGrainStateStore store, int count)
        {
            await store.WriteAsync([.. Enumerable.Range(next, count).Select(i => new GrainStateWrite("contract", $"grain/{i}", [1], null))], CancellationToken.None);
            next += count;
        }

        await using (var first = PostgresGrainStateStore.Create(database.ConnectionString, "analyse", NullLogger.Instance))
        {
            await InsertAsync(first, 1100);
            Assert.Equal(1100, await KnownAsync(1100));
        }

        await using var restarted = PostgresGrainStateStore.Create(database.ConnectionString, "analyse", NullLogger.Instance);
        await InsertAsync(restarted, 1050);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1100, (long)(await known.ExecuteScalarAsync())!);

        await InsertAsync(restarted, 3100);
        Assert.Equal(5250, await KnownAsync(5250));
    }
}
