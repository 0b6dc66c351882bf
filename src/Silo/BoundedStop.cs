using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Milestones.Silo;

/// <summary>
/// Runs a host until it stops, and bounds the stop: once stopping was asked (SIGTERM, Ctrl+C), the host has its
/// shutdown timeout (<see cref="HostOptions.ShutdownTimeout"/>, setting <c>shutdownTimeoutSeconds</c>) and
/// <see cref="Grace"/> more. A silo whose membership table cannot be reached (its PostgreSQL gone) waits for good in
/// the last stage of its stop, trying to mark itself dead; the process then ends with <see cref="ExitCode"/> instead of
/// waiting to be killed. That is no less safe than the SIGKILL every host is tested against: nothing is answered before
/// it is durable, and a write still queued was never acknowledged.
/// </summary>
public static class BoundedStop
{
    /// <summary>The exit code of a stop that ran past its bound.</summary>
    public const int ExitCode = 3;

    /// <summary>How long past the host's shutdown timeout the stop may still finish on its own.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="host"/>; 0 once it stopped, <see cref="ExitCode"/> if its stop ran past the bound.</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        // Read before running: a start that fails disposes the services before its exception reaches the caller.
        var bound = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout + Grace;
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var asked = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => stopping.TrySetResult());
        var run = host.RunAsync();
        await Task.WhenAny(run, stopping.Task);
        if (await Task.WhenAny(run, Task.Delay(bound)) != run)
        {
            await Console.Error.WriteLineAsync($"Milestones did not stop within {bound.TotalSeconds:0} s (shutdownTimeoutSeconds and {Grace.TotalSeconds:0} s); exiting with code {ExitCode}.");
            return ExitCode;
        }

        await run;
        return 0;
    }
}
