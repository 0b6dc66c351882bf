using System.Data.Common;
using Milestones.Contracts;
using Milestones.Domain;
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

    /// <summary>
    /// Whether the store keeps a write's events in rows of several, compressed where that makes them smaller
    /// (<see cref="GrainStateWrite.Rows"/>): PostgreSQL, whose log every silo shares, does; an embedded store keeps a row
    /// per event, as text.
    /// </summary>
    public virtual bool GroupsEvents => false;

    public abstract Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Commits the batch in one transaction, each write's events into the outbox with it (an event already there is
    /// kept as it is; a ledger line beside its event), its "My Jobs" lines over the stored ones (a line of a newer contract version is never
    /// replaced by an older one), its remembered answers (one already there is kept) and the deletion of its forgotten
    /// ones; returns each write's new version, or null where the version was stale (nothing of it is written).
    /// </summary>
    public abstract Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken);

    /// <summary>The grain ids (text form) of this service's rows whose wake-up time is at or before <paramref name="now"/>, earliest first.</summary>
    public abstract Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Empties the payload and the wake-up and bumps the version (so a stale copy cannot write again); null if the version was stale.</summary>
    public abstract Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventFeed.ReadAsync"/>
    public abstract Task<FeedRead> ReadFeedAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventStreams.ReadStreamAsync"/>
    /// <remarks>Each event's JSON.</remarks>
    public abstract Task<IReadOnlyList<string>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken);

    /// <summary>The serialized ledger lines stored with the events of <paramref name="stream"/> numbered after <paramref name="after"/>, in order, at most <paramref name="limit"/>.</summary>
    public abstract Task<IReadOnlyList<byte[]>> ReadLinesAsync(string stream, long after, int limit, CancellationToken cancellationToken);

    /// <summary>The serialized ledger lines of <paramref name="stream"/> stored under <paramref name="lineRef"/> (<see cref="StoredLine.RefOf"/>).</summary>
    public abstract Task<IReadOnlyList<byte[]>> FindLinesAsync(string stream, long lineRef, CancellationToken cancellationToken);

    /// <summary>
    /// The serialized answer stored for <paramref name="key"/> of the grain's state, or null. <paramref name="stream"/>
    /// is the stream of the grain's events: a store may keep an answer beside the event its command recorded.
    /// </summary>
    public abstract Task<byte[]?> ReadAnswerAsync(string grainId, string stream, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Every answer stored for the grain's state with its key, in no order (<paramref name="stream"/> as for
    /// <see cref="ReadAnswerAsync"/>; null: the state keeps none beside its events).
    /// </summary>
    public abstract Task<IReadOnlyList<(string Key, byte[] Answer)>> ReadAnswersAsync(string grainId, string? stream, CancellationToken cancellationToken);

    /// <inheritdoc cref="IJobListings.ListAsync"/>
    public abstract Task<IReadOnlyList<ContractSummary>> ListJobsAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken);

    /// <inheritdoc cref="IEventFeed.PruneAsync"/>
    public abstract Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// How the stores keep a "My Jobs" line (table usercontract): role and status by name, the creation time in UTC
/// ticks; a list query selects contractid, role, title, status, created, version in that order.
/// </summary>
internal static class JobLine
{
    public static ContractSummary Read(DbDataReader row) => new(
        row.GetString(0),
        Enum.Parse<PartyRole>(row.GetString(1)),
        row.GetString(2),
        Enum.Parse<ContractStatus>(row.GetString(3)),
        new DateTimeOffset(row.GetInt64(4), TimeSpan.Zero),
        row.GetInt64(5));
}
