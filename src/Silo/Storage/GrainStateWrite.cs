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
    IReadOnlyList<byte[]?>? packedEvents = null,
    IReadOnlyList<StoredLine?>? lines = null)
{
    private readonly TaskCompletionSource<long> committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string StateName { get; } = stateName;

    public string GrainId { get; } = grainId;

    public byte[] Payload { get; } = payload;

    public long? ExpectedVersion { get; } = expectedVersion;

    /// <summary>When the grain must be woken (<see cref="Wakeups.IScheduledState"/>), or null.</summary>
    public DateTimeOffset? WakeAt { get; } = wakeAt;

    /// <summary>The events the state recorded since it was last stored (<see cref="IEventSource"/>).</summary>
    public IReadOnlyList<OutboxEvent> Events { get; } = events ?? [];

    /// <summary>
    /// Each event's JSON compressed (<see cref="StoredPayload.PackText"/>; null where that is not smaller), in the order of
    /// <see cref="Events"/>, for a store that keeps events so; empty: none packed. Packed by the writing grain's call,
    /// not by the batch that commits it.
    /// </summary>
    public IReadOnlyList<byte[]?> PackedEvents { get; } = packedEvents ?? [];

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

    /// <summary>
    /// Other grains' rows this write carries (<see cref="Effects.CarriedRow"/>): they commit with it in one
    /// transaction, or none of them does (<see cref="Carrying"/>).
    /// </summary>
    public IReadOnlyList<GrainStateWrite> Carried { get; private set; } = [];

    /// <summary>The carrying write of this one's group (itself if it carries rows); null: it commits or fails alone.</summary>
    public GrainStateWrite? Group { get; private set; }

    /// <summary>This write carries <paramref name="rows"/>: the group commits whole or not at all.</summary>
    public GrainStateWrite Carrying(IReadOnlyList<GrainStateWrite> rows)
    {
        if (rows.Count > 0)
        {
            Carried = rows;
            Group = this;
            foreach (var row in rows)
            {
                row.Group = this;
            }
        }

        return this;
    }

    /// <summary>The rows it carries, then this write: the order they take in a batch, so theirs are the first events in the feed.</summary>
    public IEnumerable<GrainStateWrite> WithCarried() => [.. Carried, this];

    /// <summary>The write as another grain carries it (<see cref="RowWrite"/>).</summary>
    public RowWrite ToRow() =>
        new(StateName, GrainId, Payload, ExpectedVersion, WakeAt, Events, Listings, Answers, Forgotten, PackedEvents, Lines);

    public static GrainStateWrite FromRow(RowWrite row) =>
        new(row.StateName, row.GrainId, row.Payload, row.ExpectedVersion, row.WakeAt, row.Events, row.Listings, row.Answers, row.Forgotten, row.PackedEvents, row.Lines);

    public Task<long> Committed => committed.Task;

    public void Complete(long version) => committed.TrySetResult(version);

    public void Fail(Exception error) => committed.TrySetException(error);
}

/// <summary>What a <see cref="GrainStateWrite"/> stores, as a <see cref="Effects.CarriedRow"/> takes it to the grain whose write carries it.</summary>
[GenerateSerializer, Immutable, Alias("ms.RowWrite")]
internal sealed record RowWrite(
    [property: Id(0)] string StateName,
    [property: Id(1)] string GrainId,
    [property: Id(2)] byte[] Payload,
    [property: Id(3)] long? ExpectedVersion,
    [property: Id(4)] DateTimeOffset? WakeAt,
    [property: Id(5)] IReadOnlyList<OutboxEvent> Events,
    [property: Id(6)] IReadOnlyList<JobListing> Listings,
    [property: Id(7)] IReadOnlyList<AnswerWrite> Answers,
    [property: Id(8)] IReadOnlyList<string> Forgotten,
    [property: Id(9)] IReadOnlyList<byte[]?> PackedEvents,
    [property: Id(10)] IReadOnlyList<StoredLine?> Lines);

/// <summary>
/// A remembered answer as a write stores it: the answer of <paramref name="GrainId"/>'s command under
/// <paramref name="Key"/> (the writing grain's, or one its events carry), serialized; beside the write's event of
/// index <paramref name="Event"/> where a store keeps answers so and the write stores that event, else in a row of its
/// own (one already there is kept).
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.AnswerWrite")]
internal sealed record AnswerWrite([property: Id(0)] string GrainId, [property: Id(1)] string Key, [property: Id(2)] byte[] Answer, [property: Id(3)] int? Event);

/// <summary>A ledger line as the outbox keeps it beside its event: serialized, and <see cref="Ref"/>, which finds it by transfer id.</summary>
[GenerateSerializer, Immutable, Alias("ms.StoredLine")]
internal sealed record StoredLine([property: Id(0)] byte[] Payload, [property: Id(1)] long Ref)
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
