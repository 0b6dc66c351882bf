namespace Milestones.Wakeups;

/// <summary>
/// The product's clock: what every rule that depends on time reads — review periods and auto-release, security
/// periods, payout time-outs, idempotency keys' expiry, and the wake-ups that act on them. Real time (the registered
/// <see cref="TimeProvider"/>) plus the sandbox's offset, which only grows and stays zero unless the silo runs in
/// Development (<see cref="IsSandbox"/>, <see cref="ISandboxClockGrain"/>): moved forward, everything then due happens as if that time had passed, through
/// the same "time first" rules. Operational time stays real: tokens, webhook deliveries and their retries, the feed's
/// retention, timers and timestamps.
/// </summary>
public sealed class ProductClock(TimeProvider time, bool sandbox = false) : TimeProvider
{
    private long offsetTicks;

    /// <summary>Whether the sandbox may move this clock: only in a silo that runs in Development.</summary>
    public bool IsSandbox => sandbox;

    /// <summary>How far the sandbox has moved this clock ahead of real time.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => At(Offset);

    /// <summary>The time now at <paramref name="offset"/> ahead of real time.</summary>
    public DateTimeOffset At(TimeSpan offset) => time.GetUtcNow() + offset;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override long TimestampFrequency => time.TimestampFrequency;

    public override long GetTimestamp() => time.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves the offset to <paramref name="offset"/> if that is later; an earlier one (a stale read) changes nothing.</summary>
    public void MoveTo(TimeSpan offset)
    {
        if (!sandbox)
        {
            throw new InvalidOperationException("Only a silo in Development has a sandbox clock.");
        }

        for (var seen = Volatile.Read(ref offsetTicks); offset.Ticks > seen;)
        {
            var found = Interlocked.CompareExchange(ref offsetTicks, offset.Ticks, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }
}
