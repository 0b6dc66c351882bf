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
using Milestones.Events;
using Milestones.Wakeups;
using Milestones.Webhooks;
using Orleans.Serialization;
using Orleans.Storage;

namespace Milestones.Silo;

/// <summary>All silo configuration, in one place, for every host that runs a silo (the silo, the API, tests).</summary>
public static partial class SiloHostingExtensions
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
            silo.AddStartupTask(StartWakeupsAsync);
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SandboxClockSync>();
            if (DashboardEnabled(builder.Configuration))
            {
                silo.AddDashboard();
            }
        });
        WatchdogStallFilter.Register(builder.Services);
        builder.AddMilestonesSiloTelemetry();
        return builder;
    }

    /// <summary><c>Dashboard:Enabled</c> (default true): the Orleans dashboard's statistics on silos and its pages in the API.</summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);

    /// <summary>Options and clocks the grains depend on (real time, and the product's: <see cref="ProductClock"/>).</summary>
    public static IServiceCollection AddMilestonesServices(this IServiceCollection services)
    {
        services.AddOptions<MilestonesOptions>()
            .BindConfiguration(MilestonesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<FeesOptions>()
            .BindConfiguration(FeesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Private targets are allowed in Development (a local receiver) unless configured otherwise.
        services.AddOptions<WebhooksOptions>()
            .Configure<IHostEnvironment>((o, environment) => o.AllowPrivateTargets = environment.IsDevelopment())
            .BindConfiguration(WebhooksOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IWebhookSender, WebhookSender>();
        // One instance for every contract grain, rather than one per activation.
        services.AddSingleton(s => s.GetRequiredService<IOptions<MilestonesOptions>>().Value
            .RulesWith(s.GetRequiredService<IOptions<FeesOptions>>().Value));
        services.AddSingleton(TimeProvider.System);
        // The sandbox may move the product's clock where the silo runs in Development only.
        services.AddSingleton(s => new ProductClock(s.GetRequiredService<TimeProvider>(), s.GetService<IHostEnvironment>()?.IsDevelopment() == true));
        return services;
    }

    /// <summary>
    /// Grain storage, wake-ups and reminders on the configured store. Grain state goes through our group-commit
    /// storage (concurrent writes share one transaction), written with Orleans' versioned binary serializer, with
    /// each state's wake-up time in its row; the due grains are woken by <see cref="IDueWakeupGrain"/>, which one
    /// Orleans reminder keeps alive (the only reminder; every silo also makes sure its scans run, see
    /// <see cref="StartWakeupsAsync"/>; test clusters run the scans themselves). <paramref name="name"/> is the
    /// storage's name (tests wrap it in a storage of their own).
    /// </summary>
    public static ISiloBuilder AddMilestonesStorage(this ISiloBuilder silo, StorageSettings storage, string name = StorageLayout.Storage)
    {
        silo.Services.AddGrainStorage(name, (services, _) =>
        {
            var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
            GrainStateStore store = storage.Provider switch
            {
                StorageProvider.Postgres => PostgresGrainStateStore.Create(storage.ConnectionString, serviceId, services.GetRequiredService<ILogger<PostgresGrainStateStore>>(),
                    StoredLine.Json(services.GetRequiredService<Serializer>())),
                StorageProvider.Sqlite => new SqliteGrainStateStore(storage.ConnectionString, serviceId, services.GetRequiredService<ILogger<SqliteGrainStateStore>>()),
                // Memory (tests): the silos of one in-process cluster may share one store, as they would share a database.
                _ => services.GetService<MemoryGrainStateStore>() ?? new MemoryGrainStateStore(),
            };
            return new GroupCommitGrainStorage(
                store,
                services.GetRequiredService<Serializer>(),
                services.GetRequiredService<ILogger<GroupCommitGrainStorage>>(),
                storage.CompressStates);
        });
        silo.Services.AddSingleton(services => (IDueGrains)services.GetRequiredKeyedService<IGrainStorage>(name));
        silo.Services.AddSingleton(services => (IEventFeed)services.GetRequiredKeyedService<IGrainStorage>(name));
        silo.Services.AddSingleton(services => (IEventStreams)services.GetRequiredKeyedService<IGrainStorage>(name));
        silo.Services.AddSingleton(services => (ILedgerLines)services.GetRequiredKeyedService<IGrainStorage>(name));
        silo.Services.AddSingleton(services => (IJobListings)services.GetRequiredKeyedService<IGrainStorage>(name));
        silo.Services.AddSingleton(services => (IRememberedAnswers)services.GetRequiredKeyedService<IGrainStorage>(name));
        return storage.Provider == StorageProvider.Memory
            ? silo.UseInMemoryReminderService()
            : silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = storage.Invariant;
                o.ConnectionString = storage.ConnectionString;
            });
    }

    /// <summary>
    /// Every silo makes sure the wake-ups run, in the background, once every <see cref="MilestonesOptions.WakeInterval"/>
    /// for as long as it runs: at start (a silo that starts before the cluster can place the grain must not fail its
    /// start for it), and after the silo that ran the scans is lost, which then run again on another silo one interval
    /// after the membership's verdict, rather than at the next minute of their keep-alive reminder (auto-releases and
    /// webhook deliveries stalled meanwhile). A call to a running scan changes nothing.
    /// </summary>
    private static Task StartWakeupsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var interval = services.GetRequiredService<IOptions<MilestonesOptions>>().Value.WakeInterval;
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Milestones.Wakeups");
        _ = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<IDueWakeupGrain>(0).StartAsync();
                }
                catch (Exception ex)
                {
                    LogWakeupsNotStarted(logger, ex, interval);
                }

                await Task.Delay(interval, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The wake-ups could not be made sure to run; trying again in {Delay}")]
    private static partial void LogWakeupsNotStarted(ILogger logger, Exception exception, TimeSpan delay);
}
