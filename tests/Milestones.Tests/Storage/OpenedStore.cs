using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Silo;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>A grain-state store of one kind on its own migrated database (none for memory), under a service id of its own.</summary>
internal sealed record OpenedStore(GrainStateStore Store, TestStore? Database) : IAsyncDisposable
{
    public static async Task<OpenedStore> OpenAsync(StorageProvider kind, string service)
    {
        if (kind == StorageProvider.Memory)
        {
            return new OpenedStore(new MemoryGrainStateStore(), null);
        }

        var database = await TestStore.CreateAsync(kind);
        await database.MigrateAsync();
        var serviceId = $"{service}-{Guid.NewGuid().ToString("N")[..8]}";
        GrainStateStore store = kind == StorageProvider.Postgres
            ? PostgresGrainStateStore.Create(database.ConnectionString, serviceId, NullLogger.Instance)
            : new SqliteGrainStateStore(database.ConnectionString, serviceId, NullLogger.Instance);
        return new OpenedStore(store, database);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}
