using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Milestones.Silo.Storage;

/// <summary>
/// Applies the embedded, numbered schema scripts (<c>Storage/Sql/{Kind}/NNNN_*.sql</c>) that a
/// database has not seen yet, each in its own transaction, and records them in <c>schema_version</c>
/// (version, name, applied_at, checksum). Re-running is a no-op. Concurrent runs are safe:
/// PostgreSQL serialises runs with a session advisory lock; SQLite serialises each script on
/// BEGIN IMMEDIATE and re-checks what is applied inside the transaction.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>Brings the database up to the newest embedded schema (or to version <paramref name="through"/>: a test's earlier build).</summary>
    /// <returns>How many scripts this call applied (0 when already up to date).</returns>
    /// <exception cref="InvalidOperationException">
    /// An applied script no longer matches its embedded text (checksum), a script failed (it is rolled back;
    /// the <see cref="DbException"/> is the inner exception), or no scripts are embedded for <paramref name="kind"/>.
    /// Connection failures surface as the driver's own exceptions (<see cref="DbException"/>, <see cref="TimeoutException"/>).
    /// </exception>
    public static async Task<int> MigrateAsync(
        StorageProvider kind, string connectionString, ILogger logger, CancellationToken cancellationToken, int through = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);

        var scripts = MigrationScriptCatalog.Load(kind);
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException(
                $"No embedded {kind} schema scripts were found (expected resources named " +
                $"'{MigrationScriptCatalog.ResourcePrefix}{kind}/NNNN_name.sql').");
        }

        var database = MigrationDatabase.For(kind);
        await using var connection = await database.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);

        SchemaMigratorLog.WaitingForLock(logger, kind);
        await database.AcquireRunLockAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            var applied = 0;
            var current = 0;
            foreach (var script in scripts.Where(s => s.Version <= through))
            {
                if (await ApplyIfMissingAsync(kind, database, connection, script, logger, cancellationToken).ConfigureAwait(false))
                {
                    applied++;
                }

                current = script.Version;
            }

            var newest = await NewestAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            if (newest > current)
            {
                SchemaMigratorLog.DatabaseIsNewer(logger, kind, newest, current);
            }

            var version = Math.Max(newest, current);
            SchemaMigratorLog.Finished(logger, kind, version, applied);
            return applied;
        }
        finally
        {
            await database.ReleaseRunLockAsync(connection).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ApplyIfMissingAsync(
        StorageProvider kind, MigrationDatabase database, DbConnection connection, MigrationScript script,
        ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var create = MigrationDatabase.Command(connection, transaction, database.CreateVersionTableSql))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var recorded = await ReadChecksumAsync(connection, transaction, script.Version, cancellationToken).ConfigureAwait(false);
        if (recorded is not null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(recorded, script.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"{kind} schema script {script.Version} '{script.Name}' was applied with checksum {recorded}, " +
                    $"but the embedded script now has checksum {script.Checksum}. Applied scripts must not be " +
                    "edited: restore the original text and add a new numbered script for the change.");
            }

            return false;
        }

        SchemaMigratorLog.Applying(logger, kind, script.Version, script.Name);
        var stopwatch = Stopwatch.StartNew();
        await using (var run = MigrationDatabase.Command(connection, transaction, script.Sql))
        {
            try
            {
                await run.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex)
            {
                throw new InvalidOperationException(
                    $"{kind} schema script {script.Version} '{script.Name}' failed and was rolled back: {ex.Message}", ex);
            }
        }

        await using (var record = MigrationDatabase.Command(connection, transaction, database.InsertVersionSql))
        {
            AddParameter(record, "version", script.Version);
            AddParameter(record, "name", script.Name);
            AddParameter(record, "checksum", script.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        SchemaMigratorLog.Applied(logger, kind, script.Version, script.Name, stopwatch.ElapsedMilliseconds);
        return true;
    }

    private static async Task<string?> ReadChecksumAsync(
        DbConnection connection, DbTransaction transaction, int version, CancellationToken cancellationToken)
    {
        await using var command = MigrationDatabase.Command(
            connection, transaction, "SELECT checksum FROM schema_version WHERE version = @version;");
        AddParameter(command, "version", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task<int> NewestAppliedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = MigrationDatabase.Command(
            connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
