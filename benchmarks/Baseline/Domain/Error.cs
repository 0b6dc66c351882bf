namespace Milestones.Baseline.Domain;

/// <summary>How a rejection maps to HTTP: one status per kind.</summary>
internal enum ErrorKind
{
    Validation = 400,
    Forbidden = 403,
    NotFound = 404,
    Conflict = 409,
    Unavailable = 503,
}

/// <summary>An expected "no": a stable machine-readable code, a message, and the field it is about (validation only).</summary>
internal sealed record Error(ErrorKind Kind, string Code, string Message, string? Field = null);
