using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Milestones.Silo;

/// <summary>The silo process: <c>dotnet run --project src/Silo [-- migrate | --help]</c>.</summary>
internal static class Program
{
    private const string Description = "Milestones silo: hosts the contract and account grains on the configured store, "
        + "one member of a cluster (production: several silos on one PostgreSQL).\n\n" + HostCommandLine.ClusterSettings;

    public static Task<int> Main(string[] args)
    {
        var migrate = new Command("migrate", "Apply the schema to the configured store once, then exit (a deployment step).") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((_, _) => MigrateAsync(args[1..]));
        return HostCommandLine.InvokeAsync(args, Description, () => RunAsync(args), migrate);
    }

    private static async Task<int> RunAsync(string[] args)
    {
        IConfiguration? configuration = null;
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            configuration = builder.Configuration;
            LoggingDefaults.Apply(builder);
            builder.Configuration.AddFileSettings();
            StartupPreflight.CheckPorts(builder.Configuration);
            await StartupPreflight.CheckStoreAsync(StorageSettings.Resolve(builder.Configuration), CancellationToken.None);
            builder.AddMilestonesSilo();
            return await BoundedStop.RunAsync(builder.Build());
        }
        catch (Exception ex)
        {
            return StartupFailures.Report(ex, StartupFailures.Describe(ex, configuration), configuration);
        }
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        IConfiguration? configuration = null;
        try
        {
            configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddFileSettings().AddCommandLine(args).Build();
            using var logging = LoggerFactory.Create(b => b.AddConsole());
            var applied = await SchemaMigrationService.MigrateAsync(StorageSettings.Resolve(configuration), logging.CreateLogger("migrate"), CancellationToken.None);
            Console.WriteLine($"Schema up to date; {applied} script(s) applied.");
            return 0;
        }
        catch (Exception ex)
        {
            return StartupFailures.Report(ex, StartupFailures.Describe(ex, configuration), configuration);
        }
    }
}
