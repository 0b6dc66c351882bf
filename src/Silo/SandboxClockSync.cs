using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Milestones.Wakeups;
using Orleans.Storage;

namespace Milestones.Silo;

/// <summary>
/// In Development (<see cref="ProductClock.IsSandbox"/>; elsewhere it does nothing), keeps this silo's
/// <see cref="ProductClock"/> at the sandbox's stored offset (<see cref="ISandboxClockGrain"/>): read from the store
/// before the silo takes its first call (so that a restarted silo never runs earlier than what it stored: its start
/// waits until that read succeeds), then every <see cref="MilestonesOptions.SandboxClockRefresh"/> (a second). A later
/// read that fails is tried again at the next.
/// </summary>
internal sealed partial class SandboxClockSync(
    [FromKeyedServices(StorageLayout.Storage)] IGrainStorage storage,
    IGrainFactory grains,
    ProductClock clock,
    IOptions<MilestonesOptions> options,
    ILogger<SandboxClockSync> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SandboxClockSync), ServiceLifecycleStage.ApplicationServices, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!clock.IsSandbox)
        {
            return;
        }

        while (!await ReadAsync())
        {
            await Task.Delay(options.Value.SandboxClockRefresh, cancellationToken);
        }

        loop = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(options.Value.SandboxClockRefresh);
                while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false))
                {
                    await ReadAsync().ConfigureAwait(false);
                }
            },
            CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await (loop ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => stopping.Dispose();

    /// <summary>Moves the clock to the stored offset; false if the store could not be read.</summary>
    private async Task<bool> ReadAsync()
    {
        try
        {
            var state = new GrainState<SandboxClockState>(new SandboxClockState());
            await storage.ReadStateAsync(StorageLayout.SandboxClock, grains.GetGrain<ISandboxClockGrain>(0).GetGrainId(), state).ConfigureAwait(false);
            if (state.State is { } stored)
            {
                clock.MoveTo(stored.Offset);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the sandbox clock failed; this silo's clock keeps its offset until the next read")]
    private partial void LogReadFailed(Exception exception);
}
