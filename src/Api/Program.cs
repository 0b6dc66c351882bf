using Milestones.Api.Auth;
using Milestones.Api.Hosting;
using Milestones.Silo;

try
{
    if (args is ["token", ..])
    {
        return TokenCommand.Run(args[1..]);
    }

    var builder = WebApplication.CreateBuilder(args);
    builder.AddMilestonesApi();
    var app = builder.Build();
    app.UseMilestonesApi();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is StartupException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"Milestones cannot start: {ex.Message}");
    return 1;
}

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
