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

/// <summary>
/// An expected rejection: a stable machine-readable <see cref="Code"/> and a human message. A request with several
/// invalid fields is refused with the first one's, carrying the others (<see cref="Others"/>, gathered by
/// <see cref="Validate.All"/>), so that the client learns of every field at once.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Error")]
public sealed record Error(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] string? Field = null,
    [property: Id(4)] Error[]? Others = null)
{
    /// <summary>This error and the others of its request, in the order the request's fields were checked.</summary>
    public IEnumerable<Error> All => [this with { Others = null }, .. Others ?? []];

    /// <summary>The same errors, of fields inside the request's <paramref name="path"/> (<c>milestones[0]</c>).</summary>
    public Error At(string path) =>
        this with { Field = Field is null ? path : $"{path}.{Field}", Others = Others?.Select(o => o.At(path)).ToArray() };
}
