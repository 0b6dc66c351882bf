namespace Milestones.Wakeups;

/// <summary>
/// A grain state that names when its grain must be woken (an auto-release at the end of a review period). The
/// grain storage writes that time in the same row, in the same write, as the state: a stored state always has its
/// wake-up, and no reminder per grain is registered or removed.
/// </summary>
public interface IScheduledState
{
    DateTimeOffset? WakeAt { get; }
}

/// <summary>The grains whose stored <see cref="IScheduledState.WakeAt"/> has come, earliest first (the grain storage answers it).</summary>
public interface IDueGrains
{
    Task<IReadOnlyList<GrainId>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
