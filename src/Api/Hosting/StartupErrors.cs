using Microsoft.AspNetCore.Connections;
using Milestones.Silo;

namespace Milestones.Api.Hosting;

/// <summary>The API's start-up failures: a taken HTTP address, then everything a silo host can meet (<see cref="StartupFailures"/>).</summary>
public static class StartupErrors
{
    /// <summary>The line to print, or null when the exception is a bug (and keeps its stack trace).</summary>
    public static string? Describe(Exception exception, IConfiguration? configuration = null) => exception switch
    {
        IOException { InnerException: AddressInUseException } =>
            $"{exception.Message.TrimEnd('.')}; choose a free address with --urls or ASPNETCORE_URLS (setting Urls).",
        _ => StartupFailures.Describe(exception, configuration),
    };
}
