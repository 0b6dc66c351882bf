using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>The result of a grain command: a value or an expected error; <see cref="Replayed"/> marks an idempotent replay.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Outcome`1")]
public sealed record Outcome<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] Error? Error,
    [property: Id(2)] bool Replayed = false)
{
    public bool Succeeded => Error is null;

    public static implicit operator Outcome<T>(Error error) => new(default, error);

    public static Outcome<T> Ok(T value) => new(value, null);
}
