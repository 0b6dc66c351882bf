using Microsoft.Data.Sqlite;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state in the embedded SQLite file. SQLite has one writer at a time, so one writer commits each batch in
/// one immediate transaction (one log flush for the batch). The driver is synchronous: batches run on the storage's
/// writer task, and reads and clears on the thread pool, so no grain scheduler waits on the file.
/// </summary>
internal sealed class SqliteGrainStateStore(string connectionString, string serviceId) : GrainStateStore
{
    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    private const string ReadSql = """
        SELECT payload, version FROM grainstate
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid;
        """;

    private const string UpdateSql = $"""
        UPDATE grainstate SET payload = @payload, version = version + 1, modifiedon = {Now}, wakeat = @wakeat
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string InsertSql = $"""
        INSERT INTO grainstate (serviceid, statename, grainid, payload, version, modifiedon, wakeat)
        VALUES (@serviceid, @statename, @grainid, @payload, 1, {Now}, @wakeat)
        ON CONFLICT DO NOTHING
        RETURNING version;
        """;

    private const string ClearSql = $"""
        UPDATE grainstate SET payload = NULL, version = version + 1, modifiedon = {Now}, wakeat = NULL
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string DueSql = """
        SELECT grainid FROM grainstate
        WHERE serviceid = @serviceid AND wakeat IS NOT NULL AND wakeat <= @now
        ORDER BY wakeat LIMIT @limit;
        """;

    public override int Writers => 1;

    public override Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = Open();
            using var command = Command(connection, ReadSql, stateName, grainId);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new StoredGrainState(reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt64(1))
                : null;
        }, cancellationToken);

    public override Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var versions = new long?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            using var command = Command(connection, write.ExpectedVersion is null ? InsertSql : UpdateSql, write.StateName, write.GrainId);
            command.Transaction = transaction;
            command.Parameters.AddWithValue("@payload", write.Payload);
            command.Parameters.AddWithValue("@expected", (object?)write.ExpectedVersion ?? DBNull.Value);
            command.Parameters.AddWithValue("@wakeat", (object?)write.WakeAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            versions[i] = command.ExecuteScalar() as long?;
        }

        transaction.Commit();
        return Task.FromResult(versions);
    }

    public override Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = DueSql;
            command.Parameters.AddWithValue("@serviceid", serviceId);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@limit", limit);
            using var reader = command.ExecuteReader();
            var due = new List<string>();
            while (reader.Read())
            {
                due.Add(reader.GetString(0));
            }

            return due;
        }, cancellationToken);

    public override Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = Open();
            using var command = Command(connection, ClearSql, stateName, grainId);
            command.Parameters.AddWithValue("@expected", version);
            return command.ExecuteScalar() as long?;
        }, cancellationToken);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, string stateName, string grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@serviceid", serviceId);
        command.Parameters.AddWithValue("@statename", stateName);
        command.Parameters.AddWithValue("@grainid", grainId);
        return command;
    }
}
