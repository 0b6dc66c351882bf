using System.Globalization;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Wakeups;

/// <summary>
/// Stores the sandbox's offset and moves this silo's clock to it; every other silo reads the stored offset on its own
/// (<c>SandboxClockSync</c>, every <see cref="MilestonesOptions.SandboxClockRefresh"/>), so a wake-up another silo runs
/// may act that much later. The offset only
/// grows.
/// </summary>
internal sealed class SandboxClockGrain(
    [PersistentState(StorageLayout.SandboxClock, StorageLayout.Storage)] IPersistentState<SandboxClockState> store,
    ProductClock clock) : Grain, ISandboxClockGrain
{
    public async Task<Outcome<SandboxTime>> AdvanceAsync(Caller caller, TimeSpan by, string? idempotencyKey)
    {
        if (Refusal(caller, "move the sandbox clock") is { } refused)
        {
            return refused;
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(by, TimeSpan.Zero);
        var fingerprint = Fingerprint.Of("advance-clock", new { caller.UserId, by.Ticks });
        var (known, reused) = IdempotencyKeys.Lookup(store.State.Keys, idempotencyKey, fingerprint);
        if (reused is not null)
        {
            return reused;
        }

        if (known is not null)
        {
            return new Outcome<SandboxTime>(new SandboxTime(known.At, TimeSpan.FromTicks(long.Parse(known.Made!, CultureInfo.InvariantCulture))), null, Replayed: true);
        }

        var offset = store.State.Offset + by;
        var now = clock.At(offset);
        store.State.Offset = offset;
        if (idempotencyKey is not null)
        {
            IdempotencyKeys.Remember(store.State.Keys, new IdempotencyRecord(idempotencyKey, fingerprint, null, now, Made: offset.Ticks.ToString(CultureInfo.InvariantCulture)));
        }

        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Stored or not, the next call reads what the store holds.
            DeactivateOnIdle();
            throw;
        }

        clock.MoveTo(offset);
        return Outcome<SandboxTime>.Ok(new SandboxTime(now, offset));
    }

    public Task<Outcome<SandboxTime>> ReadAsync(Caller caller)
    {
        if (Refusal(caller, "read the sandbox clock") is { } refused)
        {
            return Task.FromResult<Outcome<SandboxTime>>(refused);
        }

        clock.MoveTo(store.State.Offset);
        return Task.FromResult(Outcome<SandboxTime>.Ok(new SandboxTime(clock.GetUtcNow(), store.State.Offset)));
    }

    /// <summary>The platform only, and only where the silos run in Development (an API there may reach silos that do not).</summary>
    private Error? Refusal(Caller caller, string action) =>
        !caller.IsPlatform ? Errors.PlatformOnly(action) : !clock.IsSandbox ? Errors.SandboxOnly() : null;
}
