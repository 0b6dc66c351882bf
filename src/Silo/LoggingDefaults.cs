using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace Milestones.Silo;

/// <summary>
/// Settings both hosts start from, below every other source (appsettings, environment variables, arguments), so an
/// operator overrides any of them: quiet logs (warnings from the frameworks and Orleans, our own information, the
/// lines that say where the process listens), one line per entry. Structured (JSON) entries always carry their UTC
/// time and the trace and span of the request they belong to (its logging scope), as a log store needs them.
/// </summary>
public static class LoggingDefaults
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Polly"] = "Warning",
        // Named, or the console logger's legacy options override the formatter's (SingleLine among them).
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        // A start-up failure reaches the entry point, which prints it as one line (StartupFailures): not twice.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Microsoft.Orleans"] = "Warning",
    };

    public static void Apply(IHostApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Settings });
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }
}
