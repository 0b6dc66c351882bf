using System.Data.Common;
using System.Text;
using Milestones.Silo;
using Milestones.Silo.Storage;
using Npgsql;

namespace Milestones.Tests.Storage;

internal sealed class PostgresTestStore(PostgresTestDatabase database) : TestStore
{
    public override StorageProvider Kind => StorageProvider.Postgres;

    public override StorageSettings Settings { get; } = new(StorageProvider.Postgres, database.ConnectionString, MigrateOnStart: false);

    public PostgresTestDatabase Database => database;

    public override async Task<string> DumpSchemaAsync()
    {
        var dump = new StringBuilder();
        await using var connection = await OpenAsync();
        await AppendRowsAsync(connection, dump, "column", """
            SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = current_schema()
            ORDER BY table_name, ordinal_position
            """);
        await AppendRowsAsync(connection, dump, "index", """
            SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
            ORDER BY tablename, indexname
            """);
        await AppendRowsAsync(connection, dump, "constraint", """
            SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() ORDER BY t.relname, c.conname
            """);
        await AppendRowsAsync(connection, dump, "routine", """
            SELECT p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema() ORDER BY 1, 2
            """);
        await AppendRowsAsync(connection, dump, "trigger", """
            SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND NOT t.tgisinternal ORDER BY 1
            """);
        await AppendRowsAsync(connection, dump, "query", "SELECT querykey, md5(querytext) FROM orleansquery ORDER BY querykey");
        await AppendRowsAsync(connection, dump, "script", "SELECT version, name, checksum FROM schema_version ORDER BY version");
        return database.IsSchema ? dump.ToString().Replace(database.Name + ".", "", StringComparison.Ordinal) : dump.ToString();
    }

    protected override DbConnection NewConnection() => new NpgsqlConnection(ConnectionString);

    public override ValueTask DisposeAsync() => database.DisposeAsync();
}
