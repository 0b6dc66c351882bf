using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// A contract's command as the store keeps it under its idempotency key: its answer (the contract's view and what it
/// made, or the rejection the state decided) with the command's fingerprint and time. The key is remembered by this
/// alone: the contract's row, which every command rewrites, does not hold it; an activation reads its keys back from
/// these (<see cref="IRememberedAnswers.ReadKeysAsync"/>). The first two fields are those of
/// <see cref="ContractResult"/>, which an earlier build stored alone (its key in the row): read as this, such an answer
/// has no fingerprint.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.KeptAnswer")]
public sealed record KeptAnswer(
    [property: Id(0)] ContractView? Contract,
    [property: Id(1)] string? CreatedId,
    [property: Id(2)] string? Fingerprint,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] Error? Rejection)
{
    public static KeptAnswer Of(IdempotencyRecord key, ContractResult? result) =>
        new(result?.Contract, result?.CreatedId, key.Fingerprint, key.At, key.Rejection);

    /// <summary>What the command made; null for a rejection.</summary>
    public ContractResult? Result => Contract is null ? null : new(Contract, CreatedId);

    /// <summary>The key this answer remembers (without the answer, read again when replayed); null if an earlier build stored it (its key is in the row).</summary>
    public IdempotencyRecord? Key(string key) => Fingerprint is null ? null : new(key, Fingerprint, null, At, Rejection);
}

/// <summary>A command's answer remembered under its idempotency key, not stored yet.</summary>
public sealed record StoredAnswer(string Key, KeptAnswer Answer);

/// <summary>
/// The answer of <paramref name="Owner"/>'s command under <paramref name="Key"/>, carried by an event of its outcome
/// into the write of another grain (<see cref="Events.OutboxEvent.Answer"/>), which stores it as the owner's.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.CarriedAnswer")]
public sealed record CarriedAnswer([property: Id(0)] GrainId Owner, [property: Id(1)] string Key, [property: Id(2)] KeptAnswer Answer);

/// <summary>
/// A grain state that remembers its commands by idempotency key. Each key is stored once with its answer
/// (<see cref="KeptAnswer"/>), beside an event or in a row of its own, which the grain storage writes in the same
/// transaction as the state that first remembers the key (and deletes with the state that forgets it), and only if
/// that write succeeds. The state's row holds none of them: a write costs the same however many keys are remembered,
/// and however large each answer is (a contract's whole view).
/// </summary>
public interface IAnswerSource
{
    /// <summary>The answers remembered and the keys forgotten since the state was read or last written.</summary>
    (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers();

    /// <summary>The state's write committed with these (what <see cref="UnwrittenAnswers"/> gave it).</summary>
    void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten);
}

/// <summary>The store's remembered answers (the grain storage answers it).</summary>
public interface IRememberedAnswers
{
    /// <summary>
    /// The keys stored with their answers for the grain's state (<see cref="KeptAnswer"/>; their answers left out), in
    /// no order; a key forgotten but still stored beside an event is among them. <paramref name="stream"/> as below.
    /// </summary>
    Task<IReadOnlyList<IdempotencyRecord>> ReadKeysAsync(GrainId grain, string stream, CancellationToken cancellationToken);

    /// <summary>
    /// The answer stored for <paramref name="key"/> of the grain's state, or null. <paramref name="stream"/> is the
    /// stream of the grain's events: the store may keep an answer beside the event its command recorded.
    /// </summary>
    Task<ContractResult?> ReadAsync(GrainId grain, string stream, string key, CancellationToken cancellationToken);
}
