using System.Data.Common;
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

    public override StorageProvider Kind => StorageProvider.Sqlite;

    public override StorageSettings Settings { get; }

    public override async Task<string> DumpSchemaAsync()
    {
        var dump = new StringBuilder();
        await using var connection = await OpenAsync();
        await AppendRowsAsync(connection, dump, "object", "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
        await AppendRowsAsync(connection, dump, "query", "SELECT QueryKey, QueryText FROM OrleansQuery ORDER BY QueryKey");
        await AppendRowsAsync(connection, dump, "script", "SELECT version, name, checksum FROM schema_version ORDER BY version");
        return dump.ToString();
    }

    protected override DbConnection NewConnection() => new SqliteConnection(ConnectionString);

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
}
