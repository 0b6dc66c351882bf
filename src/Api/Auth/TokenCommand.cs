using Microsoft.Extensions.Options;

namespace Milestones.Api.Auth;

/// <summary>
/// <c>dotnet run --project src/Api -- token --user alice [--platform]</c>: prints a bearer token signed with the
/// configured <c>Auth:SigningKey</c> (for operators and load tests).
/// </summary>
internal static class TokenCommand
{
    public static int Run(string[] args)
    {
        var user = Option(args, "--user");
        if (string.IsNullOrWhiteSpace(user))
        {
            Console.Error.WriteLine("usage: token --user <id> [--platform]   (key from Auth:SigningKey, e.g. env Auth__SigningKey)");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a != "--platform").ToArray()).Build();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var development = string.Equals(
            configuration["ASPNETCORE_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"], Environments.Development, StringComparison.OrdinalIgnoreCase);
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

        Console.WriteLine(new TokenIssuer(Options.Create(auth), TimeProvider.System).Issue(user, args.Contains("--platform")));
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
