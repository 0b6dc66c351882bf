using Microsoft.Extensions.Logging;

namespace Milestones.Effects;

/// <summary>
/// The one way a contract's change becomes an answer: decide (in memory, by the domain) → make durable what
/// the answer depends on (<see cref="MakeDurableAsync"/>: one write of the state with its transfer intent,
/// idempotency record and wake-up time) → follow-ups (<see cref="FollowUpAsync"/>: the platform told of a halt,
/// tried before the answer but never failing it) → answer. "My Jobs" is no follow-up: its lines are stored with the
/// state (<see cref="IListedState"/>).
/// <list type="bullet">
/// <item>A failure before the durable point leaves no trace in memory: the last stored state is reloaded,
/// and if that fails too, memory is marked as ahead of the store and reloaded before anything else runs
/// (<see cref="EnsureStoredAsync"/>). Nothing held only in memory — a key, a decision — can answer a retry.</item>
/// <item>The wake-up a state needs (an auto-release) is written in the same row as the state, so a stored
/// submission always has one and a failed write leaves none (<see cref="Wakeups.DueWakeupGrain"/>).</item>
/// <item>Follow-ups never fail the answer: what is left to do is read from the state itself (an index behind
/// the status), so it is retried by a timer with backoff, on the next change and on the next activation until
/// done.</item>
/// </list>
/// </summary>
internal sealed partial class EffectProtocol(IEffectPorts ports, ILogger logger)
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    private TimeSpan nextRetryDelay = FirstRetryDelay;

    /// <summary>True when memory may hold a change the store does not have (a failed write that could not be undone).</summary>
    public bool Ahead { get; private set; }

    /// <summary>Before any command or tick: if a failure left memory ahead of the store, start again from the store.</summary>
    public async Task EnsureStoredAsync()
    {
        if (Ahead)
        {
            await ports.ReloadAsync();
            Ahead = false;
        }
    }

    /// <summary>The durable point. Throws if the change may not be stored; memory is then back at the stored state.</summary>
    public async Task MakeDurableAsync()
    {
        Ahead = true;
        try
        {
            await ports.WriteAsync();
            Ahead = false;
        }
        catch (Exception failure)
        {
            await TryReloadAsync(failure);
            throw;
        }
    }

    /// <summary>
    /// The effects that may follow the durable point, read from the stored state: memory ahead of the store (a write
    /// that failed and could not be undone) is reloaded first, so a timer never publishes, or marks as done, a change
    /// that was answered with an error. Never throws; a failure is retried later.
    /// </summary>
    public async Task FollowUpAsync()
    {
        try
        {
            await EnsureStoredAsync();
            if (ports.PublishDue)
            {
                await ports.PublishAsync();
            }

            nextRetryDelay = FirstRetryDelay;
        }
        catch (Exception ex)
        {
            LogFollowUpFailed(ex, nextRetryDelay);
            ports.ScheduleFollowUp(nextRetryDelay);
            nextRetryDelay = TimeSpan.FromTicks(Math.Min(nextRetryDelay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task TryReloadAsync(Exception failure)
    {
        try
        {
            await ports.ReloadAsync();
            Ahead = false;
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A follow-up of a stored change failed; retrying in {Delay}")]
    private partial void LogFollowUpFailed(Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored state could not be reloaded after a failed write ({Failure}); it is reloaded before the next call")]
    private partial void LogReloadFailed(Exception exception, string failure);
}
