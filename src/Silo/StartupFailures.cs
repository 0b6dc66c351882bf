using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Milestones.Silo;

/// <summary>
/// Start-up failures an operator fixes in the configuration, as one line naming the setting or the port (exit code 1,
/// no stack trace; the exception follows when <c>Logging:LogLevel:Default</c> is Debug or Trace).
/// </summary>
public static partial class StartupFailures
{
    /// <summary>The line to print, or null when the exception is a bug (and is printed whole).</summary>
    public static string? Describe(Exception exception, IConfiguration? configuration) => exception switch
    {
        _ when Find<DbException>(exception) is { } db =>
            $"{(exception is StartupException ? exception.Message : $"the database cannot be reached: {db.Message}").TrimEnd('.')}; "
            + "check ConnectionStrings:Milestones (env ConnectionStrings__Milestones).",
        StartupException or OptionsValidationException => exception.Message,
        _ when Find<SocketException>(exception) is { SocketErrorCode: SocketError.AddressAlreadyInUse } =>
            $"an Orleans port is already in use (Orleans:SiloPort {Port(configuration, "SiloPort", 11111)}, Orleans:GatewayPort {Port(configuration, "GatewayPort", 30000)}; "
            + "env Orleans__SiloPort, Orleans__GatewayPort).",
        _ when Find<InvalidOperationException>(exception) is { } invalid && BadValue().Match(invalid.Message) is { Success: true } bad =>
            $"the setting {bad.Groups["key"].Value} (env {bad.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal)}) is not a valid {bad.Groups["type"].Value}.",
        _ => null,
    };

    /// <summary>Prints the failure on standard error and returns the process's exit code (1).</summary>
    public static int Report(Exception exception, string? line, IConfiguration? configuration)
    {
        Console.Error.WriteLine($"Milestones cannot start: {line ?? exception.ToString()}");
        if (line is not null && configuration?["Logging:LogLevel:Default"] is { } level
            && (level.Equals("Debug", StringComparison.OrdinalIgnoreCase) || level.Equals("Trace", StringComparison.OrdinalIgnoreCase)))
        {
            Console.Error.WriteLine(exception.ToString());
        }

        return 1;
    }

    public static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(f => f is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static string Port(IConfiguration? configuration, string name, int fallback) =>
        configuration?[$"Orleans:{name}"] ?? fallback.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("configuration value (?:'[^']*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BadValue();
}
