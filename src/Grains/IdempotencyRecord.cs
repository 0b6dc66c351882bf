using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// A command remembered by its idempotency key: what it was (fingerprint) and what it answered — a rejection the
/// domain decided (never a validation error or an outage, as those decided nothing), or a result, stored once beside
/// the state (<see cref="IAnswerSource"/>; <see cref="Result"/> is set only in states stored before that).
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.IdempotencyRecord")]
public sealed record IdempotencyRecord(
    [property: Id(0)] string Key,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] ContractResult? Result,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] Error? Rejection = null)
{
    /// <summary>Rejections worth remembering: the state decided them, so a retry must see the same answer.</summary>
    public static bool Remembers(Error error) => error.Kind is ErrorKind.Conflict or ErrorKind.Forbidden or ErrorKind.NotFound;

    /// <summary>The answer this record holds itself: a rejection, or a result stored inline; null if the result is stored beside the state.</summary>
    public Outcome<ContractResult>? Replay() => Rejection is not null || Result is not null ? new(Result, Rejection, Replayed: true) : null;
}
