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

    public Task<long> Committed => committed.Task;

    public void Complete(long version) => committed.TrySetResult(version);

    public void Fail(Exception error) => committed.TrySetException(error);
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
