using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// A command remembered by its idempotency key: what it was (fingerprint) and what it answered — a result, or a
/// rejection the domain decided (never a validation error or an outage, as those decided nothing).
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

    public Outcome<ContractResult> Replay() => new(Result, Rejection, Replayed: true);
}
