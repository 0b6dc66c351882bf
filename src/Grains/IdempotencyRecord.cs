using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// A command remembered by its idempotency key (<see cref="IdempotencyKeys"/> holds the rule): what it was
/// (fingerprint of the command, its caller and every argument), when, and what it answered — a rejection the domain
/// decided (never a validation error or an outage, as those decided nothing), or what it made. A key is stored with
/// its answer, outside the grain's row (<see cref="KeptAnswer"/>; <see cref="Result"/> is set only in rows stored
/// before answers were stored apart); an account's answer is rebuilt from what it made (<see cref="Made"/>: a
/// payout's id, a deposit's transfer id), which never changes.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.IdempotencyRecord")]
public sealed record IdempotencyRecord(
    [property: Id(0)] string Key,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] ContractResult? Result,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] Error? Rejection = null,
    [property: Id(5)] string? Made = null)
{
    /// <summary>Rejections worth remembering: the state decided them, so a retry must see the same answer.</summary>
    public static bool Remembers(Error error) => error.Kind is ErrorKind.Conflict or ErrorKind.Forbidden or ErrorKind.NotFound;

    /// <summary>The answer this record holds itself: a rejection, or a result stored inline; null if the result is stored beside the state.</summary>
    public Outcome<ContractResult>? Replay() => Rejection is not null || Result is not null ? new(Result, Rejection, Replayed: true) : null;
}
