using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Events;

/// <summary>
/// An event as the outbox stores it: in its stream (<c>contract:{id}</c> or <c>account:{id}</c>) under its number
/// there, with its type and time for the feed's filters and retention, and its public JSON (<see cref="FeedEvent"/>).
/// An account's event is a line of its ledger, and the stream is where the ledger is kept: <see cref="Line"/> is the
/// line itself, stored with the event and found again by <see cref="ILedgerLines"/>; its <see cref="Body"/> is null,
/// as its JSON is made from the line (<see cref="Json"/>) only where a store keeps it. <see cref="Answer"/>: a command's
/// answer stored beside the event, where another grain's write carries the outcome of that command (a funding's).
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.OutboxEvent")]
public sealed record OutboxEvent(
    [property: Id(0)] string Stream,
    [property: Id(1)] long Seq,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Type,
    [property: Id(4)] string? Body,
    [property: Id(5)] LedgerEntry? Line = null,
    [property: Id(6)] CarriedAnswer? Answer = null)
{
    /// <summary>The event's public JSON: its body, or made from its ledger line.</summary>
    public string Json => Body ?? FeedEvents.LedgerJson(Stream, Line ?? throw new InvalidOperationException($"Event {Stream}:{Seq} has neither a body nor a ledger line."));
}

/// <summary>
/// A grain state that records events. The grain storage writes the events recorded since the state was last read
/// or written into the outbox in the same transaction as the state, and only if the state's write succeeds: an
/// event is exactly as durable as the change that made it. An event written twice (a write whose outcome was
/// unknown, sent again) is stored once: its stream and number identify it.
/// </summary>
public interface IEventSource : ILoadedState
{
    /// <summary>The events recorded since the state was read or last written, oldest first.</summary>
    IReadOnlyList<OutboxEvent> Unwritten(GrainId grain);

    /// <summary>The state's write committed with <paramref name="events"/> (what <see cref="Unwritten"/> gave it).</summary>
    void Written(IReadOnlyList<OutboxEvent> events);
}

/// <summary>
/// The store's event feed: the outbox's events in the order they were committed (the grain storage answers it). Each
/// event gets its position in the transaction that stores it, and the transactions that store events take their
/// positions one at a time, in the order they commit, so a reader never sees a position before the ones under it.
/// </summary>
public interface IEventFeed
{
    /// <summary>
    /// The events after <paramref name="after"/> and after the highest position pruned, in order, of
    /// <paramref name="types"/> only if given.
    /// </summary>
    Task<FeedRead> ReadAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the positioned events older than <paramref name="before"/>, but for the streams kept
    /// (<see cref="FeedEvents.KeptStreams"/>: they stay for <see cref="IEventStreams"/>) and the ledger lines (they stay
    /// for <see cref="ILedgerLines"/>), which leave the feed with the rest; returns how many were deleted.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>The store's streams: one contract's or account's events as the outbox keeps them (the grain storage answers it).</summary>
public interface IEventStreams
{
    /// <summary>The events of <paramref name="stream"/> numbered after <paramref name="after"/>, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<FeedEvent>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// An account's ledger as its stream keeps it: the lines stored with its events (<see cref="OutboxEvent.Line"/>),
/// never pruned (the grain storage answers it). Lines an earlier build kept in pages of the account's own are not here.
/// </summary>
public interface ILedgerLines
{
    /// <summary>The lines of <paramref name="stream"/> numbered after <paramref name="after"/>, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LedgerEntry>> ReadLinesAsync(string stream, long after, int limit);

    /// <summary>The line of <paramref name="stream"/> that applied <paramref name="transferId"/>, if one is stored.</summary>
    Task<LedgerEntry?> FindLineAsync(string stream, string transferId);
}

/// <summary>
/// A page of the feed as stored: each event's position and JSON, the highest position pruned (a cursor under it has
/// lost events), and the last position given — read as of the same moment as the events, so that a page shorter than
/// its limit has every event (of the types asked) through <see cref="Head"/>.
/// </summary>
public sealed record FeedRead(IReadOnlyList<(long Position, string Body)> Events, long Pruned, long Head)
{
    /// <summary>
    /// Where the next page starts, for a page read after <paramref name="after"/> with <paramref name="limit"/>: a full
    /// page's last event; else the head, past events of other types, so a reader of rare types does not read the same
    /// others again and again.
    /// </summary>
    public long ReadThrough(long after, int limit) => Events.Count >= limit ? Events[^1].Position : Math.Max(after, Head);
}
