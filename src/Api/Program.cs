using Milestones.Api.Auth;
using Milestones.Api.Hosting;

IConfiguration? configuration = null;
try
{
    if (args is ["token", ..])
    {
        return TokenCommand.Run(args[1..]);
    }

    var builder = WebApplication.CreateBuilder(args);
    configuration = builder.Configuration;
    builder.AddMilestonesApi();
    var app = builder.Build();
    app.UseMilestonesApi();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupErrors.Describe(ex, configuration) is { } line)
{
    await Console.Error.WriteLineAsync($"Milestones cannot start: {line}");
    return 1;
}

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
