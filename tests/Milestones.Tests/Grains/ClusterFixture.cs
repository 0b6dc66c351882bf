using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Milestones.Silo;
using Milestones.Silo.Storage;
using Milestones.Wakeups;
using Orleans.Reminders;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Milestones.Tests.Grains;

/// <summary>
/// A two-silo in-process cluster on memory storage (one store the silos share), shared by the grain tests. Grains
/// and their wake-ups run on one fake clock (the tests run the scans); the silos' own maintenance loops stay on real time. A derived fixture
/// may put grain state on another store (<see cref="ConfigureStorage"/>) and restart the whole
/// cluster on it (<see cref="RestartAsync"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The memory store holds no resource to release.")]
public class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The grains' memory "database": shared by the silos, kept across a restart or a crash of the cluster.</summary>
    private readonly MemoryGrainStateStore memory = new();

    public FakeTimeProvider Clock { get; } = new(Start);
    public GrainProbe Probe { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>A line count the fee account's ledger has reached (a ledger only grows): where a walk through it may start.</summary>
    public long FeeLinesSeen { get; set; }

    /// <summary>One service id for every cluster this fixture starts, so a restarted cluster finds its stored rows.</summary>
    public string ServiceId { get; } = "milestones-test-" + Guid.NewGuid().ToString("N")[..8];

    public virtual async Task InitializeAsync() => await StartClusterAsync();

    public virtual async Task DisposeAsync()
    {
        // Null when start-up failed (a derived fixture's store was unreachable): that failure is the one to report.
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>Stops every silo and the client, then starts a new cluster on the same store, service id and clock.</summary>
    public async Task RestartAsync()
    {
        await Cluster.DisposeAsync();
        await StartClusterAsync();
    }

    /// <summary>Kills every silo at once (no grain is deactivated, nothing more is written), then starts a new cluster on the same store.</summary>
    public async Task CrashAsync()
    {
        foreach (var silo in Cluster.Silos.ToList())
        {
            await Cluster.KillSiloAsync(silo);
        }

        await Cluster.DisposeAsync();
        await StartClusterAsync();
    }

    /// <summary>Where grain state and wake-ups live; memory unless a derived fixture says otherwise.</summary>
    protected virtual void ConfigureStorage(ISiloBuilder silo)
    {
        silo.AddMilestonesStorage(new StorageSettings(StorageProvider.Memory, "", MigrateOnStart: false), FaultyGrainStorage.Inner);
        silo.Services.AddGrainStorage(StorageLayout.Storage, (services, _) => new FaultyGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(FaultyGrainStorage.Inner), services.GetRequiredService<GrainProbe>()));
        silo.Services.AddSingleton(services => (IRememberedAnswers)services.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage));
    }

    /// <summary>Anything else a derived fixture configures on every silo it starts (read again by each restart).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    private async Task StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddMilestonesServices();
            host.Services.RemoveAll<TimeProvider>();
            host.Services.AddSingleton<TimeProvider>(Clock);
            // The test host runs as in Development; the grains' time is the fake clock alone (a derived fixture may open the sandbox).
            host.Services.AddSingleton(services => new ProductClock(services.GetRequiredService<TimeProvider>()));
            host.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            host.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Clock);
            host.Services.AddSingleton(Probe);
            host.Services.AddSingleton(memory);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureStorage(silo);
            ConfigureSilo(silo);
            silo.AddIncomingGrainCallFilter<GrainProbeFilter>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
