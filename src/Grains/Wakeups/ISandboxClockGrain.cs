using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Wakeups;

/// <summary>
/// The sandbox's clock, keyed 0, in Development only: how far the product's clock (<see cref="ProductClock"/>) is moved
/// ahead of real time, kept in the store so that every silo, and one that restarts, reads the same offset. The
/// platform only.
/// </summary>
[Alias("ms.ISandboxClockGrain")]
public interface ISandboxClockGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Moves the clock forward by <paramref name="by"/> (more than zero) once that is stored; answers the time then. A key
    /// sent again replays that answer (<see cref="IdempotencyKeys"/>), so a retried advance moves the clock once.
    /// </summary>
    [Alias("Advance")] Task<Outcome<SandboxTime>> AdvanceAsync(Caller caller, TimeSpan by, string? idempotencyKey);

    [Alias("Read")] Task<Outcome<SandboxTime>> ReadAsync(Caller caller);
}

/// <summary>The product's time and how far the sandbox has moved it ahead of real time.</summary>
[GenerateSerializer, Immutable, Alias("ms.SandboxTime")]
public sealed record SandboxTime([property: Id(0)] DateTimeOffset Now, [property: Id(1)] TimeSpan Offset);

/// <summary>The sandbox clock's stored state: its offset and the keys of the advances that moved it.</summary>
[GenerateSerializer, Alias("ms.SandboxClockState")]
public sealed class SandboxClockState
{
    [Id(0)] public TimeSpan Offset { get; set; }

    /// <summary>Each advance's key; what it made is the offset it moved the clock to, in ticks, and its time is the answer's.</summary>
    [Id(1)] public List<IdempotencyRecord> Keys { get; set; } = [];
}
