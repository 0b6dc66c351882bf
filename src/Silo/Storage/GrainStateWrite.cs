using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Milestones.Domain;
using Milestones.Events;
using Orleans.Serialization;

namespace Milestones.Silo.Storage;

/// <summary>
/// One queued write: the serialized state, its wake-up time, the events recorded with it (into the outbox), its
/// changed "My Jobs" lines, the answers it remembered and the keys it forgot (all only if the state's write
/// succeeds), and the version it was read at (null: the row must not exist yet). Completes with the new version once
/// its transaction has committed.
/// </summary>
internal sealed class GrainStateWrite(
    string stateName,
    string grainId,
    byte[] payload,
    long? expectedVersion,
    DateTimeOffset? wakeAt = null,
    IReadOnlyList<OutboxEvent>? events = null,
    IReadOnlyList<JobListing>? listings = null,
    IReadOnlyList<AnswerWrite>? answers = null,
    IReadOnlyList<string>? forgotten = null,
    IReadOnlyList<EventRow>? rows = null,
    IReadOnlyList<StoredLine?>? lines = null)
{
    private readonly TaskCompletionSource<long> committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IReadOnlyList<EventRow>? rows = rows;

    public string StateName { get; } = stateName;

    public string GrainId { get; } = grainId;

    public byte[] Payload { get; } = payload;

    public long? ExpectedVersion { get; } = expectedVersion;

    /// <summary>When the grain must be woken (<see cref="Wakeups.IScheduledState"/>), or null.</summary>
    public DateTimeOffset? WakeAt { get; } = wakeAt;

    /// <summary>The events the state recorded since it was last stored (<see cref="IEventSource"/>).</summary>
    public IReadOnlyList<OutboxEvent> Events { get; } = events ?? [];

    /// <summary>
    /// <see cref="Events"/> in the rows a store that groups them keeps (<see cref="GrainStateStore.GroupsEvents"/>): made
    /// (and packed) by the writing grain's call, not by the batch that commits it; else made here, as text, when asked.
    /// </summary>
    public IReadOnlyList<EventRow> Rows => rows ??= EventRow.Of(Events, pack: false);

    /// <summary>
    /// Each event's ledger line as stored (<see cref="OutboxEvent.Line"/>; null for an event that is none), in the order
    /// of <see cref="Events"/>, one per event.
    /// </summary>
    public IReadOnlyList<StoredLine?> Lines { get; } = lines ?? new StoredLine?[events?.Count ?? 0];

    /// <summary>The state's "My Jobs" lines that changed (<see cref="IListedState"/>).</summary>
    public IReadOnlyList<JobListing> Listings { get; } = listings ?? [];

    /// <summary>The answers the state remembered and those its events carry, serialized (<see cref="IAnswerSource"/>, <see cref="OutboxEvent.Answer"/>).</summary>
    public IReadOnlyList<AnswerWrite> Answers { get; } = answers ?? [];

    /// <summary>The keys the state forgot: their answers' rows are deleted.</summary>
    public IReadOnlyList<string> Forgotten { get; } = forgotten ?? [];

    public (string, string) Key => (StateName, GrainId);

    public Task<long> Committed => committed.Task;

    public void Complete(long version) => committed.TrySetResult(version);

    public void Fail(Exception error) => committed.TrySetException(error);
}

/// <summary>
/// The events <see cref="First"/> to <see cref="First"/> + <see cref="Count"/> − 1 of a write as one row of a store that
/// groups them (<see cref="GrainStateStore.GroupsEvents"/>): every row costs a feed a tuple and an entry in each of its
/// indexes whatever it holds, and a contract's command often records two events (the second acceptance and the
/// activation, a release and its fee). A row holds events of one stream, numbered one after another, recorded at one
/// time, none of them a ledger line (a line is a row of its own: it is found by its transfer id); their JSON, separated
/// by <see cref="Separator"/>, is <see cref="Text"/>, or <see cref="Packed"/> where compressing makes it smaller
/// (<see cref="StoredPayload.PackText"/>). A ledger line's row has neither.
/// </summary>
internal sealed record EventRow(int First, int Count, string? Text, byte[]? Packed)
{
    /// <summary>Events in one row at most: a reader looks this far back for the row that holds an event.</summary>
    public const int MaxEvents = 64;

    /// <summary>
    /// What separates the events' JSON in a row: the record separator, which JSON text never holds (a string escapes
    /// every control character), as in JSON text sequences (RFC 7464).
    /// </summary>
    public const char Separator = '\u001e';

    public static IReadOnlyList<EventRow> Of(IReadOnlyList<OutboxEvent> events, bool pack)
    {
        var rows = new List<EventRow>();
        for (var first = 0; first < events.Count;)
        {
            var count = 1;
            while (count < MaxEvents && first + count < events.Count && Follows(events[first + count - 1], events[first + count]))
            {
                count++;
            }

            var text = events[first].Line is null ? string.Join(Separator, events.Skip(first).Take(count).Select(e => e.Json)) : null;
            var packed = pack && text is not null ? StoredPayload.PackText(text) : null;
            rows.Add(new EventRow(first, count, packed is null ? text : null, packed));
            first += count;
        }

        return rows;
    }

    /// <summary>
    /// The JSON of a stored row's <paramref name="count"/> events: the last so many of its text (a row stored in part —
    /// sent again after a write whose outcome was unknown, with events already stored — keeps those in its text).
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int count) =>
        count == 1 && !text.Contains(Separator) ? [text] : text.Split(Separator)[^count..];

    private static bool Follows(OutboxEvent previous, OutboxEvent next) =>
        previous.Line is null && next.Line is null && next.Stream == previous.Stream && next.Seq == previous.Seq + 1 && next.At == previous.At;
}

/// <summary>
/// A remembered answer as a write stores it: the answer of <paramref name="GrainId"/>'s command under
/// <paramref name="Key"/> (the writing grain's, or one its events carry), serialized; beside the write's event of
/// index <paramref name="Event"/> where a store keeps answers so and the write stores that event, else in a row of its
/// own (one already there is kept).
/// </summary>
internal sealed record AnswerWrite(string GrainId, string Key, byte[] Answer, int? Event);

/// <summary>A ledger line as the outbox keeps it beside its event: serialized, and <see cref="Ref"/>, which finds it by transfer id.</summary>
internal sealed record StoredLine(byte[] Payload, long Ref)
{
    /// <summary>
    /// What finds the line of <paramref name="transferId"/> in <paramref name="stream"/>: the first 64 bits of the SHA-256
    /// of both, so one short index entry per line serves every account; a lookup checks the stream and the id it finds.
    /// </summary>
    public static long RefOf(string stream, string transferId) =>
        BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{stream}\n{transferId}")));

    public static LedgerEntry Read(Serializer serializer, byte[] payload) =>
        serializer.Deserialize<LedgerEntry>(StoredPayload.Unpack(payload)) ?? throw new InvalidDataException("A stored ledger line is empty.");

    /// <summary>The JSON of a stored line's event, from its account stream and the line (<see cref="FeedEvents.LedgerJson"/>).</summary>
    public static Func<string, byte[], string> Json(Serializer serializer) =>
        (stream, payload) => FeedEvents.LedgerJson(stream, Read(serializer, payload));
}
