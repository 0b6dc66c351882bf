using Milestones.Api.Auth;
using Milestones.Silo;

namespace Milestones.Api.Hosting;

/// <summary>The API process: <c>--help</c>, the <c>token</c> command, or the HTTP API (the default).</summary>
internal static class ApiHost
{
    /// <summary>
    /// The environment <c>dotnet run</c> uses when neither <c>ASPNETCORE_ENVIRONMENT</c> nor <c>DOTNET_ENVIRONMENT</c>
    /// is set: the launch profile sets it to Development. A published host has no launch profile, so it runs in
    /// Production unless told otherwise.
    /// </summary>
    public const string DefaultEnvironmentVariable = "MILESTONES_DEFAULT_ENVIRONMENT";

    private const string Description = "Milestones API: the HTTP API (an Orleans client of a silo cluster, or with a co-hosted silo).\n\n"
        + """
        Settings (besides those below):
          --urls, ASPNETCORE_URLS       where the API listens (dotnet run: http://localhost:5080)
          ASPNETCORE_ENVIRONMENT        Development opens the dev token route and the development signing key
          Hosting:Mode                  Embedded (default: co-hosts a silo) or Client (joins a silo cluster)
          Auth:SigningKey               HS256 key for bearer tokens; at least 32 bytes outside Development
          Auth:Issuer, Auth:Audience    token validation (default milestones, milestones-api)
          Auth:TokenLifetime            how long an issued token is valid (default 12:00:00)
          RateLimit:PermitsPerSecond, RateLimit:PermitsPerSecondPerAddress   per caller / per address (1000, 5000)
          Logging:Requests              one log line per request (default true)
          Metrics:Port                  a port serving only /metrics, without a token (default none)


        """
        + HostCommandLine.ClusterSettings;

    public static Task<int> InvokeAsync(string[] args) =>
        HostCommandLine.InvokeAsync(args, Description, () => RunAsync(args), TokenCommand.Create());

    /// <summary>The environment name, from the usual variables, then <see cref="DefaultEnvironmentVariable"/>.</summary>
    public static string? EnvironmentName() =>
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet
        : Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : Environment.GetEnvironmentVariable(DefaultEnvironmentVariable) is { Length: > 0 } fallback ? fallback
        : null;

    private static async Task<int> RunAsync(string[] args)
    {
        IConfiguration? configuration = null;
        try
        {
            var explicitEnvironment = args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase));
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                EnvironmentName = explicitEnvironment ? null : EnvironmentName(),
            });
            configuration = builder.Configuration;
            LoggingDefaults.Apply(builder);
            builder.Configuration.AddFileSettings();
            builder.AddMilestonesApi();
            var app = builder.Build();
            app.UseMilestonesApi();
            return await BoundedStop.RunAsync(app);
        }
        catch (Exception ex)
        {
            return StartupFailures.Report(ex, StartupErrors.Describe(ex, configuration), configuration);
        }
    }
}
