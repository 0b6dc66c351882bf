using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

internal sealed class SqliteTestStore : TestStore
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("ms_");

    public SqliteTestStore() =>
        Settings = new(StorageProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "milestones.db")}", MigrateOnStart: false);

    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override StorageSettings Settings { get; }

    public override async Task<string> DumpSchemaAsync()
    {
        var dump = new StringBuilder();
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await AppendRowsAsync(connection, dump, "object", "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
        await AppendRowsAsync(connection, dump, "query", "SELECT QueryKey, QueryText FROM OrleansQuery ORDER BY QueryKey");
        await AppendRowsAsync(connection, dump, "script", "SELECT version, name, checksum FROM schema_version ORDER BY version");
        return dump.ToString();
    }

    public override async Task<IReadOnlyList<(int Version, string Name)>> AppliedScriptsAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT version, name FROM schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return rows;
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public override ValueTask DisposeAsync()
    {
        using (var pooled = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary file is harmless.
        }

        return ValueTask.CompletedTask;
    }

    private static async Task AppendRowsAsync(SqliteConnection connection, StringBuilder dump, string label, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
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
