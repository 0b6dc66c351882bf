using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// SQLite's log is copied into the database file in the background, never by a batch's commit: under a steady stream
/// of batches the pages still reach the database file, and the log is started again instead of growing with them.
/// </summary>
public sealed class SqliteCheckpointTests
{
    private const int PageBytes = 4096;

    private const int Batches = 600;

    [Fact]
    public async Task UnderASteadyStreamOfBatches_TheLogIsCopiedIntoTheFile_AndStartedAgain_InsteadOfGrowing()
    {
        await using var database = await TestStore.CreateAsync(StorageProvider.Sqlite);
        await database.MigrateAsync();
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        // Without pooling, the store's connections are new ones that have read nothing (as in a fresh process).
        await using var store = new SqliteGrainStateStore(database.ConnectionString + ";Pooling=False", "checkpoints", NullLogger.Instance);

        // Six times the frames at which the log is started again (600 batches of ten rows of 16 KiB), over some ticks.
        var payload = new byte[4 * PageBytes];
        Random.Shared.NextBytes(payload);
        for (var batch = 0; batch < Batches; batch++)
        {
            var writes = Enumerable.Range(0, 10).Select(i => new GrainStateWrite("state", $"grain/{batch}/{i}", payload, null)).ToList();
            Assert.All(await store.WriteAsync(writes, CancellationToken.None), version => Assert.Equal(1, version));
            await Task.Delay(5);
        }

        var written = Batches * 10L * payload.Length;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (new FileInfo(file).Length < written && DateTime.UtcNow < deadline)
        {
            await Task.Delay(SqliteGrainStateStore.CheckpointPeriod);
        }

        Assert.True(new FileInfo(file).Length >= written, $"the database file holds {new FileInfo(file).Length} bytes of {written} written");
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        var frames = await LogFramesAsync(connection);
        for (var attempt = 0; attempt < 100 && frames < 0; attempt++)
        {
            await Task.Delay(20); // -1: the store's own checkpoint was running
            frames = await LogFramesAsync(connection);
        }

        // At most the restart's threshold and what came since the last tick; without restarts, every frame written.
        Assert.InRange(frames, 0, written / PageBytes / 2);
    }

    /// <summary>The frames the log holds, from a passive checkpoint (-1 while another checkpoint runs).</summary>
    private static async Task<long> LogFramesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var result = await command.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        return result.GetInt64(1);
    }
}
