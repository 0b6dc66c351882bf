using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Milestones.Silo;

/// <summary>The silo process: <c>dotnet run --project src/Silo [-- migrate]</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            if (args is ["migrate", ..])
            {
                // Apply the schema once (for deployments that run it as a step) and exit.
                using var logging = LoggerFactory.Create(b => b.AddConsole());
                var applied = await SchemaMigrationService.MigrateAsync(
                    StorageSettings.Resolve(builder.Configuration), logging.CreateLogger("migrate"), CancellationToken.None);
                Console.WriteLine($"Schema up to date; {applied} script(s) applied.");
                return 0;
            }

            builder.AddMilestonesSilo();
            await builder.Build().RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is StartupException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"Milestones cannot start: {ex.Message}");
            return 1;
        }
    }
}
