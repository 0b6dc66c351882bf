using System.Data.Common;
using System.Globalization;
using System.Text;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>A fresh, empty store of one kind for one fixture or test, with the queries the tests check it with.</summary>
public abstract class TestStore : IAsyncDisposable
{
    public abstract StorageProvider Kind { get; }

    public abstract StorageSettings Settings { get; }

    public string ConnectionString => Settings.ConnectionString;

    public static async Task<TestStore> CreateAsync(StorageProvider kind) => kind switch
    {
        StorageProvider.Postgres => new PostgresTestStore(await PostgresServer.CreateDatabaseAsync()),
        StorageProvider.Sqlite => new SqliteTestStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Applies the schema the way a silo does at start (an earlier build's: up to version <paramref name="through"/>);
    /// returns the number of scripts applied.
    /// </summary>
    public Task<int> MigrateAsync(int through = int.MaxValue) =>
        SchemaMigrator.MigrateAsync(Kind, ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None, through);

    /// <summary>
    /// Everything that makes up the schema, as text: tables and columns (types, nullability, defaults), indexes,
    /// constraints, triggers, and the stored query catalogue. Names of the database or schema are left out, so two
    /// stores migrated the same way give the same text.
    /// </summary>
    public abstract Task<string> DumpSchemaAsync();

    /// <summary>The rows of <c>schema_version</c>: (version, name), in version order.</summary>
    public async Task<IReadOnlyList<(int Version, string Name)>> AppliedScriptsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM schema_version ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>The scalar result of one query on this store.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>A new, unopened connection to this store.</summary>
    protected abstract DbConnection NewConnection();

    protected async Task<DbConnection> OpenAsync()
    {
        var connection = NewConnection();
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Appends each row of the query as "label | value | value …".</summary>
    protected static async Task AppendRowsAsync(DbConnection connection, StringBuilder dump, string label, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            dump.Append(label);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                dump.Append(" | ").Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
            }

            dump.Append('\n');
        }
    }
}
