using Milestones.Silo;
using Milestones.Silo.Storage;
using Milestones.Tests.Grains;

namespace Milestones.Tests.Storage;

/// <summary>
/// The grain suite's two-silo cluster with grain state and wake-ups on a real store: a fresh database of its
/// own, migrated before the silos start, wired with the product's <see cref="SiloHostingExtensions.AddMilestonesStorage"/>.
/// </summary>
public abstract class StoreClusterFixture : ClusterFixture
{
    public TestStore Store { get; private set; } = null!;

    protected abstract StorageProvider Kind { get; }

    public override async Task InitializeAsync()
    {
        Store = await TestStore.CreateAsync(Kind);
        await Store.MigrateAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (Store is not null)
            {
                await Store.DisposeAsync();
            }
        }
    }

    protected override void ConfigureStorage(ISiloBuilder silo) => silo.AddMilestonesStorage(Store.Settings);
}

public sealed class PostgresClusterFixture : StoreClusterFixture
{
    protected override StorageProvider Kind => StorageProvider.Postgres;
}

public sealed class SqliteClusterFixture : StoreClusterFixture
{
    protected override StorageProvider Kind => StorageProvider.Sqlite;
}
