using Npgsql;
using NpgsqlTypes;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state on PostgreSQL. A batch is one statement — a multi-row compare-and-set over arrays, updates for
/// known versions and inserts for new rows — so it commits as one transaction in one round trip.
/// </summary>
internal sealed class PostgresGrainStateStore(NpgsqlDataSource dataSource, string serviceId) : GrainStateStore
{
    private const string ReadSql = """
        SELECT payload, version FROM grainstate
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid;
        """;

    private const string WriteSql = """
        WITH input AS (
            SELECT * FROM unnest(@statenames, @grainids, @payloads, @expected, @wakeats) AS i (statename, grainid, payload, expected, wakeat)
        ), updated AS (
            UPDATE grainstate g
            SET payload = i.payload, version = g.version + 1, modifiedon = now(), wakeat = i.wakeat
            FROM input i
            WHERE i.expected IS NOT NULL
              AND g.serviceid = @serviceid AND g.statename = i.statename AND g.grainid = i.grainid
              AND g.version = i.expected
            RETURNING g.statename, g.grainid, g.version
        ), inserted AS (
            INSERT INTO grainstate (serviceid, statename, grainid, payload, version, wakeat)
            SELECT @serviceid, i.statename, i.grainid, i.payload, 1, i.wakeat FROM input i WHERE i.expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING statename, grainid, version
        )
        SELECT statename, grainid, version FROM updated
        UNION ALL
        SELECT statename, grainid, version FROM inserted;
        """;

    private const string ClearSql = """
        UPDATE grainstate SET payload = NULL, version = version + 1, modifiedon = now(), wakeat = NULL
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string DueSql = """
        SELECT grainid FROM grainstate
        WHERE serviceid = @serviceid AND wakeat IS NOT NULL AND wakeat <= @now
        ORDER BY wakeat LIMIT @limit;
        """;

    /// <summary>Two batches in flight: one commits while the next gathers.</summary>
    public override int Writers => 2;

    public static PostgresGrainStateStore Create(string connectionString, string serviceId)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 8;
        }

        // The store never changes session state, so a pooled connection needs no reset (which costs the server a
        // statement per command).
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        return new PostgresGrainStateStore(builder.Build(), serviceId);
    }

    public override async Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken)
    {
        await using var command = Command(ReadSql, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredGrainState(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetInt64(1));
    }

    public override async Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WriteSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("statenames", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(w => w.StateName).ToArray());
        command.Parameters.AddWithValue("grainids", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(w => w.GrainId).ToArray());
        command.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, batch.Select(w => w.Payload).ToArray());
        command.Parameters.AddWithValue("expected", NpgsqlDbType.Array | NpgsqlDbType.Bigint, batch.Select(w => w.ExpectedVersion).ToArray());
        command.Parameters.AddWithValue("wakeats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, batch.Select(w => w.WakeAt?.UtcDateTime).ToArray());

        var written = new Dictionary<(string, string), long>(batch.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                written[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
            }
        }

        return batch.Select(w => written.TryGetValue(w.Key, out var version) ? version : (long?)null).ToArray();
    }

    public override async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DueSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(reader.GetString(0));
        }

        return due;
    }

    public override async Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken)
    {
        await using var command = Command(ClearSql, stateName, grainId);
        command.Parameters.AddWithValue("expected", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private NpgsqlCommand Command(string sql, string stateName, string grainId)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("statename", stateName);
        command.Parameters.AddWithValue("grainid", grainId);
        return command;
    }
}
