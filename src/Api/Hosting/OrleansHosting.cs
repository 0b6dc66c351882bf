using Milestones.Silo;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Milestones.Api.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Embedded: this process also runs a silo (SQLite by default). Client: an Orleans client of a separate
    /// cluster, found through the PostgreSQL membership table (or a localhost gateway for a local silo).
    /// </summary>
    public static WebApplicationBuilder AddMilestonesCluster(this WebApplicationBuilder builder)
    {
        var modeName = builder.Configuration["Hosting:Mode"];
        if (!Enum.TryParse<HostingMode>(string.IsNullOrWhiteSpace(modeName) ? nameof(HostingMode.Embedded) : modeName, true, out var mode)
            || !Enum.IsDefined(mode))
        {
            throw new StartupException($"Hosting:Mode '{modeName}' is not known; use Embedded (default) or Client.");
        }

        if (mode == HostingMode.Embedded)
        {
            StartupPreflight.CheckPorts(builder.Configuration);
            builder.AddMilestonesSilo();
            return builder;
        }

        var storage = StorageSettings.Resolve(builder.Configuration);
        var cluster = builder.Configuration.GetSection("Orleans");
        // The client connects in the background (ClusterConnectRetry) while the other services, Kestrel among them,
        // start: by default the host would wait for a silo before listening at all.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.UseOrleansClient(client =>
        {
            client.Services.AddSingleton<IClientConnectionRetryFilter, ClusterConnectRetry>();
            client.AddActivityPropagation();
            if (storage.Provider == StorageProvider.Postgres)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = storage.Invariant;
                    o.ConnectionString = storage.ConnectionString;
                });
            }
            else
            {
                client.UseLocalhostClustering(cluster.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT));
            }

            if (SiloHostingExtensions.DashboardEnabled(builder.Configuration))
            {
                client.AddDashboard();
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = cluster["ServiceId"] ?? "milestones";
                o.ClusterId = cluster["ClusterId"] ?? "milestones";
            });
        });
        return builder;
    }
}
