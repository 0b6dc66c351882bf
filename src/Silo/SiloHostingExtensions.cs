using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Milestones.Silo.Storage;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace Milestones.Silo;

/// <summary>All silo configuration, in one place, for every host that runs a silo (the silo, the API, tests).</summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddMilestonesSilo(this IHostApplicationBuilder builder)
    {
        var storage = StorageSettings.Resolve(builder.Configuration);
        builder.Services.AddSingleton(storage);
        if (storage.Provider == StorageProvider.Sqlite && DataDirectoryLock.DirectoryOf(storage.ConnectionString) is { } directory)
        {
            // Before anything binds a port or opens the file: a second process on the same directory stops here.
            var held = DataDirectoryLock.Acquire(directory);
            builder.Services.AddHostedService(_ => held);
        }

        builder.Services.AddMilestonesServices();
        if (storage.MigrateOnStart)
        {
            // Hosted services start in registration order: the schema is in place before Orleans starts.
            builder.Services.AddHostedService<SchemaMigrationService>();
        }

        var cluster = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            var siloPort = cluster.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
            var gatewayPort = cluster.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
            if (storage.Provider == StorageProvider.Postgres)
            {
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = storage.Invariant;
                    o.ConnectionString = storage.ConnectionString;
                });
                var advertised = cluster["AdvertisedIP"];
                if (string.IsNullOrEmpty(advertised))
                {
                    silo.ConfigureEndpoints(Dns.GetHostName(), siloPort, gatewayPort, listenOnAnyHostAddress: true);
                }
                else if (IPAddress.TryParse(advertised, out var ip))
                {
                    silo.ConfigureEndpoints(ip, siloPort, gatewayPort);
                }
                else
                {
                    throw new StartupException($"Orleans:AdvertisedIP '{advertised}' is not an IP address.");
                }
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort);
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = cluster["ServiceId"] ?? "milestones";
                o.ClusterId = cluster["ClusterId"] ?? "milestones";
            });
            silo.AddMilestonesStorage(storage);
            if (DashboardEnabled(builder.Configuration))
            {
                silo.AddDashboard();
            }
        });
        builder.AddMilestonesSiloTelemetry();
        return builder;
    }

    /// <summary><c>Dashboard:Enabled</c> (default true): the Orleans dashboard's statistics on silos and its pages in the API.</summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);

    /// <summary>Options and clock the grains depend on.</summary>
    public static IServiceCollection AddMilestonesServices(this IServiceCollection services)
    {
        services.AddOptions<MilestonesOptions>()
            .BindConfiguration(MilestonesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Grain storage and reminders on the configured store. Grain state goes through our group-commit storage
    /// (concurrent writes share one transaction), written with Orleans' versioned binary serializer.
    /// </summary>
    public static ISiloBuilder AddMilestonesStorage(this ISiloBuilder silo, StorageSettings storage)
    {
        if (storage.Provider == StorageProvider.Memory)
        {
            return silo.AddMemoryGrainStorage(StorageNames.Grains).UseInMemoryReminderService();
        }

        silo.Services.AddGrainStorage(StorageNames.Grains, (services, _) =>
        {
            var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
            GrainStateStore store = storage.Provider == StorageProvider.Postgres
                ? PostgresGrainStateStore.Create(storage.ConnectionString, serviceId)
                : new SqliteGrainStateStore(storage.ConnectionString, serviceId);
            return new GroupCommitGrainStorage(
                store,
                services.GetRequiredService<Serializer>(),
                services.GetRequiredService<ILogger<GroupCommitGrainStorage>>());
        });
        return silo
            .UseAdoNetReminderService(o =>
            {
                o.Invariant = storage.Invariant;
                o.ConnectionString = storage.ConnectionString;
            });
    }
}
