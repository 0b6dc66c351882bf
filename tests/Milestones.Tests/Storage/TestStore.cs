using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>A fresh, empty store of one kind for one fixture or test, with the queries the tests check it with.</summary>
public abstract class TestStore : IAsyncDisposable
{
    public abstract DatabaseKind Kind { get; }

    public abstract StorageSettings Settings { get; }

    public string ConnectionString => Settings.ConnectionString;

    public static async Task<TestStore> CreateAsync(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Postgres => new PostgresTestStore(await PostgresServer.CreateDatabaseAsync()),
        DatabaseKind.Sqlite => new SqliteTestStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Applies the schema the way a silo does at start; returns the number of scripts applied.</summary>
    public Task<int> MigrateAsync() =>
        SchemaMigrator.MigrateAsync(Kind, ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

    /// <summary>
    /// Everything that makes up the schema, as text: tables and columns (types, nullability, defaults), indexes,
    /// constraints, triggers, and the stored query catalogue. Names of the database or schema are left out, so two
    /// stores migrated the same way give the same text.
    /// </summary>
    public abstract Task<string> DumpSchemaAsync();

    /// <summary>The rows of <c>schema_version</c>: (version, name), in version order.</summary>
    public abstract Task<IReadOnlyList<(int Version, string Name)>> AppliedScriptsAsync();

    /// <summary>The scalar result of one query on this store.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    public abstract ValueTask DisposeAsync();
}
