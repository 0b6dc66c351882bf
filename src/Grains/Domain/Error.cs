namespace Milestones.Domain;

/// <summary>What kind of "no" an error is; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Forbidden,
    Conflict,
    PreconditionFailed,
    IdempotencyMismatch,
    Unavailable,
}

/// <summary>An expected rejection: a stable machine-readable <see cref="Code"/> and a human message.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Error")]
public sealed record Error(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] string? Field = null);
