using System.CommandLine;
using Microsoft.Extensions.Options;
using Milestones.Api.Hosting;
using Milestones.Silo;

namespace Milestones.Api.Auth;

/// <summary>
/// <c>dotnet run --project src/Api -- token --user alice [--platform]</c>: prints a bearer token signed with the
/// configured <c>Auth:SigningKey</c>, and nothing else, on standard output (for operators and load tests).
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The user id (the token's sub).", Required = true };
        var platform = new Option<bool>("--platform") { Description = "Give the token the platform role (the marketplace's back end)." };
        var command = new Command("token", "Print a bearer token signed with Auth:SigningKey (env Auth__SigningKey or Auth__SigningKey_FILE); in Development "
            + "without a key, with the development key.") { user, platform };
        command.SetAction(result => Run(result.GetRequiredValue(user), result.GetValue(platform)));
        return command;
    }

    private static int Run(string user, bool platform)
    {
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddFileSettings().Build();
        }
        catch (StartupException ex)
        {
            Console.Error.WriteLine($"token: {ex.Message}");
            return 1;
        }

        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var development = string.Equals(ApiHost.EnvironmentName(), Environments.Development, StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(auth.SigningKey) && development)
        {
            auth.SigningKey = AuthOptions.DevelopmentSigningKey;
            Console.Error.WriteLine("Auth:SigningKey is not set: signing with the Development key.");
        }

        if (SigningKeyRule.Problem(auth.SigningKey, development) is { } problem)
        {
            Console.Error.WriteLine($"token: {problem}");
            return 1;
        }

        if (Milestones.Domain.Validate.Id(user, "user") is { } invalid)
        {
            Console.Error.WriteLine($"token: {invalid.Message}");
            return 2;
        }

        Console.WriteLine(new TokenIssuer(Options.Create(auth), TimeProvider.System).Issue(user, platform));
        return 0;
    }
}
