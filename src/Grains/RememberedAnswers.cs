using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// A command as the store keeps it under its idempotency key: its answer (a contract's view and what it made, what an
/// account's command made, or the rejection the state decided) with the command's fingerprint and time. The key is
/// remembered by this alone: the grain's row, which every command rewrites, does not hold it; an activation reads its
/// keys back from these (<see cref="IRememberedAnswers.ReadKeysAsync"/>). The first two fields are those of
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
    [property: Id(4)] Error? Rejection,
    [property: Id(5)] string? Made = null)
{
    public static KeptAnswer Of(IdempotencyRecord key, ContractResult? result) =>
        new(result?.Contract, result?.CreatedId, key.Fingerprint, key.At, key.Rejection, key.Made);

    /// <summary>What the command made; null for a rejection.</summary>
    public ContractResult? Result => Contract is null ? null : new(Contract, CreatedId);

    /// <summary>The key this answer remembers (without the answer, read again when replayed); null if an earlier build stored it (its key is in the row).</summary>
    public IdempotencyRecord? Key(string key) => Fingerprint is null ? null : new(key, Fingerprint, null, At, Rejection, Made);
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

    /// <summary>
    /// Whether the store may keep an answer beside one of the state's events, read back with the grain's stream (a
    /// contract's, a few dozen events); false: in a row of its own, as for an account, whose stream has no end.
    /// </summary>
    bool AnswersBesideEvents { get; }
}

/// <summary>
/// The keys a grain state remembers (<see cref="IAnswerSource"/>), held by the one rule (<see cref="IdempotencyKeys"/>)
/// and stored each with its answer, outside the row. The keys an earlier build kept in the row (the state's own list,
/// given to each call) stay in it until the rule forgets them.
/// </summary>
public sealed class KeyMemory
{
    /// <summary>Answers remembered since the state was read or written: stored by its next write (null: none; most activations remember none).</summary>
    private List<StoredAnswer>? unwritten;

    /// <summary>Keys forgotten since the state was read or written: their answers are deleted by its next write.</summary>
    private List<string>? forgotten;

    /// <summary>The keys of the state's recent commands, oldest first, without their answers.</summary>
    public List<IdempotencyRecord> Keys { get; private set; } = [];

    /// <summary>The row is read: its keys, until those stored apart are read too (<see cref="Stored"/>).</summary>
    public void Loaded(IReadOnlyList<IdempotencyRecord> rowKeys) => Keys = [.. rowKeys];

    /// <summary>
    /// The keys stored with their answers (<see cref="IRememberedAnswers.ReadKeysAsync"/>) join those of the row: the
    /// rule is applied to them all again in the order they were remembered, so memory holds what it held before.
    /// </summary>
    public void Stored(IReadOnlyList<IdempotencyRecord> rowKeys, IReadOnlyList<IdempotencyRecord> stored)
    {
        Keys = [];
        foreach (var key in rowKeys.Concat(stored.Distinct()).OrderBy(k => k.At))
        {
            IdempotencyKeys.Remember(Keys, key);
        }
    }

    /// <summary>
    /// Remembers a command's key, stored with <paramref name="answer"/> by the state's next write (null: by the write
    /// that carries it, <see cref="CarriedAnswer"/>); the answers of the keys the rule forgets are deleted by it, and
    /// the row no longer holds those it held.
    /// </summary>
    public void Remember(IdempotencyRecord record, KeptAnswer? answer, List<IdempotencyRecord> rowKeys)
    {
        if (answer is not null)
        {
            (unwritten ??= []).Add(new StoredAnswer(record.Key, answer));
        }

        IdempotencyKeys.Remember(Keys, record with { Result = null }, forgotten ??= []);
        if (rowKeys.Count > 0)
        {
            rowKeys.RemoveAll(k => !Keys.Contains(k));
        }
    }

    /// <summary>The answer of a key remembered since the last write (not stored yet), or null.</summary>
    public KeptAnswer? Unwritten(string key) => unwritten?.FindLast(a => a.Key == key)?.Answer;

    public (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers() =>
        (unwritten is { Count: > 0 } ? [.. unwritten] : [], forgotten is { Count: > 0 } ? [.. forgotten] : []);

    public void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten)
    {
        unwritten?.RemoveAll(remembered.Contains);
        this.forgotten?.RemoveAll(forgotten.Contains);
    }
}

/// <summary>The store's remembered answers (the grain storage answers it).</summary>
public interface IRememberedAnswers
{
    /// <summary>
    /// The keys stored with their answers for the grain's state (<see cref="KeptAnswer"/>; their answers left out), in
    /// no order; a key forgotten but still stored beside an event is among them. <paramref name="stream"/> as below.
    /// </summary>
    Task<IReadOnlyList<IdempotencyRecord>> ReadKeysAsync(GrainId grain, string? stream, CancellationToken cancellationToken);

    /// <summary>
    /// The answer stored for <paramref name="key"/> of the grain's state, or null. <paramref name="stream"/> is the
    /// stream of the grain's events: the store may keep an answer beside the event its command recorded.
    /// </summary>
    Task<ContractResult?> ReadAsync(GrainId grain, string stream, string key, CancellationToken cancellationToken);
}
