using Milestones.Baseline.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Milestones.Baseline.Data;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (pooled, auto-prepared statements), the schema, and the retry and
/// clean-up around each command's transaction.
/// </summary>
internal sealed partial class Database(NpgsqlDataSource source, ILogger<Database> log) : IAsyncDisposable
{
    public const int MaxAttempts = 3;

    public static NpgsqlDataSource Build(IConfiguration configuration, BaselineOptions options)
    {
        var connectionString = configuration.GetConnectionString("Baseline");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Baseline (an Npgsql connection string) is required.");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            MaxPoolSize = options.MaxPoolSize,
            MaxAutoPrepare = options.MaxAutoPrepare,
            AutoPrepareMinUsages = 2,
            // Every command ends its own transaction; skip the reset round trip when a connection returns to the pool.
            NoResetOnClose = true,
        };
        builder.ApplicationName ??= "milestones-baseline";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public NpgsqlDataSource Source => source;

    public async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        string schema;
        await using (var stream = typeof(Database).Assembly.GetManifestResourceStream("Milestones.Baseline.schema.sql")
            ?? throw new InvalidOperationException("schema.sql is not embedded."))
        using (var text = new StreamReader(stream))
        {
            schema = await text.ReadToEndAsync(cancellationToken);
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(74201707)", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand(schema, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Runs one command on a pooled connection. The command ends its own transaction (COMMIT or ROLLBACK); if it
    /// throws, the transaction is rolled back here. A deadlock or serialization failure is retried from the start.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> command)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await source.OpenConnectionAsync();
            try
            {
                return await command(connection);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < MaxAttempts)
            {
                LogRetry(e.SqlState, attempt);
                await RollbackQuietlyAsync(connection);
            }
            catch (Exception)
            {
                await RollbackQuietlyAsync(connection);
                throw;
            }
        }
    }

    public static async Task RollbackAsync(NpgsqlConnection connection)
    {
        await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
        await rollback.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    /// <summary>The current time at PostgreSQL's precision (microseconds), so what a command returns equals what a read returns.</summary>
    public static DateTime Now(TimeProvider clock)
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    /// <summary>A positional ($n) parameter without boxing.</summary>
    public static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter Nullable(DateTime? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v : DBNull.Value };

    public static NpgsqlParameter Nullable(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value };

    public static NpgsqlParameter Nullable(string[]? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value };

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(p);
        }

        return command;
    }

    private static async Task RollbackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await RollbackAsync(connection);
            }
        }
        catch (NpgsqlException)
        {
            // A broken connection is discarded by the pool; the server rolls the transaction back.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction failed with {SqlState} on attempt {Attempt}; retrying")]
    private partial void LogRetry(string sqlState, int attempt);
}
