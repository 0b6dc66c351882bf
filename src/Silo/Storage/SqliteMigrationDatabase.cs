using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Milestones.Silo.Storage;

/// <summary>
/// SQLite: WAL journal, a busy timeout, and BEGIN IMMEDIATE per script, so concurrent runs
/// queue on the database's single write lock and re-check what has been applied.
/// </summary>
internal sealed class SqliteMigrationDatabase : MigrationDatabase
{
    private const int BusyTimeoutMilliseconds = 30_000;

    public override string CreateVersionTableSql => """
        CREATE TABLE IF NOT EXISTS schema_version
        (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at TEXT    NOT NULL,
            checksum   TEXT    NOT NULL
        );
        """;

    public override string InsertVersionSql =>
        "INSERT INTO schema_version (version, name, applied_at, checksum) " +
        "VALUES (@version, @name, strftime('%Y-%m-%d %H:%M:%f', 'now'), @checksum);";

    public override async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        EnsureDirectoryExists(builder);
        var connection = new SqliteConnection(builder.ConnectionString) { DefaultTimeout = CommandTimeoutSeconds };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var busy = Command(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};"))
            {
                await busy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // WAL is a property of the database file: set once here, every later connection uses it.
            await using (var wal = Command(connection, null, "PRAGMA journal_mode = WAL;"))
            {
                await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override Task AcquireRunLockAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task ReleaseRunLockAsync(DbConnection connection) => Task.CompletedTask;

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // deferred: false => BEGIN IMMEDIATE (takes the write lock now, waits while another writer holds it).
        DbTransaction transaction = ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false);
        return Task.FromResult(transaction);
    }

    private static void EnsureDirectoryExists(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(dataSource) ||
            dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
