using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Milestones.Silo;

/// <summary>All silo configuration, in one place, for every host that runs a silo (the silo, the API, tests).</summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddMilestonesSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMilestonesServices();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering()
            .AddMilestonesStorage(builder.Configuration));
        return builder;
    }

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

    /// <summary>Grain storage and reminders. In-memory until the durable stores land.</summary>
    public static ISiloBuilder AddMilestonesStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        _ = configuration;
        return silo
            .AddMemoryGrainStorage(StorageNames.Grains)
            .UseInMemoryReminderService();
    }
}
