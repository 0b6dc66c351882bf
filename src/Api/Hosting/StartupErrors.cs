using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Milestones.Silo;

namespace Milestones.Api.Hosting;

/// <summary>Start-up failures an operator fixes in the configuration: one line naming the setting, not a stack trace.</summary>
public static class StartupErrors
{
    /// <summary>The line to print, or null when the exception is a bug (and keeps its stack trace).</summary>
    public static string? Describe(Exception exception, IConfiguration? configuration = null) => exception switch
    {
        StartupException or OptionsValidationException => exception.Message,
        IOException { InnerException: AddressInUseException } =>
            $"{exception.Message.TrimEnd('.')}; choose a free address with --urls or ASPNETCORE_URLS (setting Urls).",
        _ when Find<SocketException>(exception) is { SocketErrorCode: SocketError.AddressAlreadyInUse } =>
            $"an Orleans port is already in use (Orleans:SiloPort {Port(configuration, "SiloPort", 11111)}, Orleans:GatewayPort {Port(configuration, "GatewayPort", 30000)}; "
            + "env Orleans__SiloPort, Orleans__GatewayPort).",
        _ => null,
    };

    private static T? Find<T>(Exception? exception) where T : Exception
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
        configuration?[$"Orleans:{name}"] ?? fallback.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
