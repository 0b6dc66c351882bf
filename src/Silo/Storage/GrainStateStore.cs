using Milestones.Events;

namespace Milestones.Silo.Storage;

/// <summary>A grain's stored row: its payload (null once cleared) and its version, the grain's ETag.</summary>
internal sealed record StoredGrainState(byte[]? Payload, long Version);

/// <summary>
/// One grain-state row in one database. Writes come in batches that the store commits in one transaction; each
/// write is a compare-and-set on its own version, so a stale write fails alone and the others still commit.
/// </summary>
internal abstract class GrainStateStore : IAsyncDisposable
{
    /// <summary>How many batches may be in flight at once.</summary>
    public abstract int Writers { get; }

    public abstract Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Commits the batch in one transaction, each write's events into the outbox with it (an event already there is
    /// kept as it is); returns each write's new version, or null where the version was stale (its events are not written).
    /// </summary>
    public abstract Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken);

    /// <summary>The grain ids (text form) of this service's rows whose wake-up time is at or before <paramref name="now"/>, earliest first.</summary>
    public abstract Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Empties the payload and the wake-up and bumps the version (so a stale copy cannot write again); null if the version was stale.</summary>
    public abstract Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventFeed.SequenceAsync"/>
    public abstract Task<int> SequenceAsync(int limit, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventFeed.ReadAsync"/>
    public abstract Task<FeedRead> ReadFeedAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventFeed.PruneAsync"/>
    public abstract Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
