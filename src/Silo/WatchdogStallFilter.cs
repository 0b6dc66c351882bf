using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Milestones.Silo;

/// <summary>
/// Orleans' silo watchdog (Orleans.Runtime.Watchdog, 10.4) starts its platform thread before it sets the timestamp of
/// its component check, so the first platform check can read that timestamp as zero and warn that the "participant
/// check thread has not completed" for as long as the machine has been up (event 100150, <c>SiloHeartbeatTimerStalled</c>):
/// on most starts here, never a real stall. No stall lasts longer than the process has run; an entry that says so is
/// logged at Debug instead, and every other entry of the watchdog's passes as it is.
/// </summary>
internal static class WatchdogStallFilter
{
    /// <summary>Orleans' <c>ErrorCode.SiloHeartbeatTimerStalled</c>: both the platform's and the component check's stall warnings.</summary>
    public const int StallEvent = 100150;

    internal static readonly DateTime ProcessStarted = StartTime();

    private static DateTime StartTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime();
    }

    /// <summary>Puts the filter in front of the watchdog's logger (Orleans' type is internal: found by name).</summary>
    public static void Register(IServiceCollection services)
    {
        if (Type.GetType("Orleans.Runtime.Watchdog, Orleans.Runtime") is { } watchdog)
        {
            services.AddSingleton(typeof(ILogger<>).MakeGenericType(watchdog), typeof(WatchdogStallLogger<>).MakeGenericType(watchdog));
        }
    }
}

/// <summary>The watchdog's logger behind <see cref="WatchdogStallFilter"/>.</summary>
internal sealed class WatchdogStallLogger<T>(ILoggerFactory factory) : ILogger<T>
{
    private readonly ILogger logger = factory.CreateLogger<T>();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var impossible = eventId.Id == WatchdogStallFilter.StallEvent && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.Any(v => v.Value is TimeSpan stalled && stalled > DateTime.UtcNow - WatchdogStallFilter.ProcessStarted);
        logger.Log(impossible ? LogLevel.Debug : logLevel, eventId, state, exception, formatter);
    }
}
