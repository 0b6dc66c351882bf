using Milestones.Contracts;

namespace Milestones;

/// <summary>A command remembered by its idempotency key: what it was (fingerprint) and what it returned.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.IdempotencyRecord")]
public sealed record IdempotencyRecord(
    [property: Id(0)] string Key,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] ContractResult? Result,
    [property: Id(3)] DateTimeOffset At);
