using System.Data.Common;

namespace Milestones.Silo.Storage;

/// <summary>What differs between the engines for the schema migrator.</summary>
internal abstract class MigrationDatabase
{
    /// <summary>Seconds a single migrator command may take (locks included).</summary>
    public const int CommandTimeoutSeconds = 300;

    /// <summary>Creates the <c>schema_version</c> table when missing.</summary>
    public abstract string CreateVersionTableSql { get; }

    /// <summary>Records one applied script; binds @version, @name, @checksum.</summary>
    public abstract string InsertVersionSql { get; }

    public static MigrationDatabase For(StorageProvider kind) => kind switch
    {
        StorageProvider.Postgres => new PostgresMigrationDatabase(),
        StorageProvider.Sqlite => new SqliteMigrationDatabase(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only a database has a schema to migrate."),
    };

    /// <summary>Opens a connection and applies per-connection settings.</summary>
    public abstract Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Serialises whole migration runs across processes, where the engine supports it.</summary>
    public abstract Task AcquireRunLockAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Releases the lock taken by <see cref="AcquireRunLockAsync"/>.</summary>
    public abstract Task ReleaseRunLockAsync(DbConnection connection);

    /// <summary>Starts a transaction that holds the write lock until it ends.</summary>
    public abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = CommandTimeoutSeconds;
        return command;
    }
}
