using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Milestones.Silo;

/// <summary>
/// Settings both hosts start from, below every other source (appsettings, environment variables, arguments), so an
/// operator overrides any of them: quiet logs (warnings from the frameworks and Orleans, our own information, the
/// lines that say where the process listens), one line per entry.
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

    public static void Apply(IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Settings });
}
