using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>Orleans' watchdog's impossible stall (longer than the process has run) is not a warning; a real one still is.</summary>
public sealed class WatchdogStallFilterTests
{
    [Fact]
    public void AStallLongerThanTheProcessHasRun_IsLoggedAtDebug_AndARealOneStaysAWarning()
    {
        var seen = new List<LogLevel>();
        var services = new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new Capture(seen)));
        WatchdogStallFilter.Register(services);
        using var provider = services.BuildServiceProvider();
        var watchdog = Type.GetType("Orleans.Runtime.Watchdog, Orleans.Runtime", throwOnError: true)!;
        var logger = (ILogger)provider.GetRequiredService(typeof(ILogger<>).MakeGenericType(watchdog));

        foreach (var stalled in new[] { TimeSpan.FromDays(3), TimeSpan.FromMilliseconds(10) })
        {
            logger.Log(LogLevel.Warning, new EventId(WatchdogStallFilter.StallEvent), new List<KeyValuePair<string, object?>> { new("TimeSinceLastTick", stalled) },
                null, (_, _) => $"Participant check thread has not completed for {stalled}");
        }

        logger.Log(LogLevel.Warning, new EventId(1), "another warning", null, (state, _) => state);
        Assert.Equal([LogLevel.Debug, LogLevel.Warning, LogLevel.Warning], seen);
    }

    private sealed class Capture(List<LogLevel> seen) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => seen.Add(logLevel);

        public void Dispose()
        {
        }
    }
}
