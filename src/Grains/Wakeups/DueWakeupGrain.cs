using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Milestones.Wakeups;

/// <summary>
/// Wakes the grains whose stored wake-up time has come. Because that time is written with the state itself
/// (<see cref="IScheduledState"/>), a stored submission is always found here, a failed write leaves nothing
/// behind, and a command costs one durable write instead of a state write plus a reminder registration and a
/// removal. One activation in the cluster scans every <see cref="MilestonesOptions.WakeInterval"/> (a grain timer,
/// started by <see cref="StartAsync"/>, which every silo calls once an interval); after its silo is lost the next of
/// those calls brings it back on another, and a reminder does too, once a minute, should no silo call. A grain that
/// fails to wake, or that could not finish what was due (an account unreachable), is still due and is woken again by
/// the next scan.
/// </summary>
internal sealed partial class DueWakeupGrain(
    IDueGrains due,
    ProductClock clock,
    IOptions<MilestonesOptions> options,
    ILogger<DueWakeupGrain> logger) : Grain, IDueWakeupGrain, IRemindable
{
    /// <summary>Grains woken per scan (the earliest due first); more wait for the next scan.</summary>
    public const int MaxPerScan = 1024;

    private const int Parallelism = 64;
    private const string KeepAlive = "keep-alive";

    private IGrainTimer? timer;

    /// <summary>Registers the reminder and starts the scans once per activation; then a call changes nothing.</summary>
    public async Task StartAsync()
    {
        if (timer is null)
        {
            await this.RegisterOrUpdateReminder(KeepAlive, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            StartTimer();
        }
    }

    /// <summary>The keep-alive reminder brings the grain back after its silo is lost; the scans go on.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartTimer();
        return Task.CompletedTask;
    }

    private void StartTimer()
    {
        var interval = options.Value.WakeInterval;
        timer ??= this.RegisterGrainTimer(ScanAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
    }

    public async Task<int> ScanAsync()
    {
        IReadOnlyList<GrainId> grains;
        try
        {
            grains = await due.DueAsync(clock.GetUtcNow(), MaxPerScan, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogScanFailed(ex);
            return 0;
        }

        var woken = 0;
        foreach (var batch in grains.Chunk(Parallelism))
        {
            var results = await Task.WhenAll(batch.Select(WakeAsync));
            woken += results.Count(ok => ok);
        }

        return woken;
    }

    private async Task<bool> WakeAsync(GrainId grain)
    {
        try
        {
            await GrainFactory.GetGrain<IWakeable>(grain).WakeAsync();
            return true;
        }
        catch (Exception ex)
        {
            LogWakeFailed(ex, grain);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the due grains failed; the next scan tries again")]
    private partial void LogScanFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking {Grain} failed; it stays due and the next scan wakes it again")]
    private partial void LogWakeFailed(Exception exception, GrainId grain);
}
