using System.Data.Common;
using Npgsql;

namespace Milestones.Silo.Storage;

/// <summary>PostgreSQL: a session advisory lock serialises whole runs across processes.</summary>
internal sealed class PostgresMigrationDatabase : MigrationDatabase
{
    /// <summary>Fixed advisory-lock key ("Mileston" in ASCII), shared by every Milestones migrator.</summary>
    internal const long AdvisoryLockKey = 0x4D696C6573746F6E;

    public override string CreateVersionTableSql => """
        CREATE TABLE IF NOT EXISTS schema_version
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            checksum   text        NOT NULL
        );
        """;

    public override string InsertVersionSql =>
        "INSERT INTO schema_version (version, name, applied_at, checksum) VALUES (@version, @name, now(), @checksum);";

    public override async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task AcquireRunLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey});");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task ReleaseRunLockAsync(DbConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var command = Command(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey});");
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // A broken session has already lost its advisory locks; keep the original error visible.
        }
    }

    public override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
}
