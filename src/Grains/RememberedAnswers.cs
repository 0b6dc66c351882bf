using Milestones.Contracts;

namespace Milestones;

/// <summary>The answer a command gave, remembered under its idempotency key.</summary>
public sealed record StoredAnswer(string Key, ContractResult Result);

/// <summary>
/// The answer of <paramref name="Owner"/>'s command under <paramref name="Key"/>, carried by an event of its outcome
/// into the write of another grain (<see cref="Events.OutboxEvent.Answer"/>), which stores it as the owner's.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.CarriedAnswer")]
public sealed record CarriedAnswer([property: Id(0)] GrainId Owner, [property: Id(1)] string Key, [property: Id(2)] ContractResult Result);

/// <summary>
/// A grain state that remembers its commands' answers by idempotency key. Each answer is stored once, in a row of its
/// own that the grain storage writes in the same transaction as the state that first remembers its key (and deletes
/// with the state that forgets the key), and only if that write succeeds. The state itself keeps the key, the
/// command's fingerprint and time: a write costs the same however many answers are remembered, and however large
/// each one is (a contract's whole view).
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
    /// The answer stored for <paramref name="key"/> of the grain's state, or null. <paramref name="stream"/> is the
    /// stream of the grain's events: the store may keep an answer beside the event its command recorded.
    /// </summary>
    Task<ContractResult?> ReadAsync(GrainId grain, string stream, string key, CancellationToken cancellationToken);
}
