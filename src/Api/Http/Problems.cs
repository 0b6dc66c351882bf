using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>The one place that maps rejections to HTTP: RFC 9457 problem details with a stable <c>code</c>.</summary>
public static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.IdempotencyMismatch => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult From(Error error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        var all = error.All.ToList();
        if (all.Any(e => e.Field is not null))
        {
            extensions["errors"] = all.Where(e => e.Field is not null).GroupBy(e => e.Field!).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        }

        return TypedResults.Problem(
            detail: string.Join(' ', all.Select(e => e.Message)),
            statusCode: StatusOf(error.Kind),
            title: Title(error.Kind),
            type: TypeOf(error.Code),
            extensions: extensions);
    }

    /// <summary>A request the API itself refuses before any grain sees it.</summary>
    public static ProblemHttpResult Invalid(string code, string field, string message) =>
        From(Errors.Invalid(code, field, message));

    public static string TypeOf(string code) => $"https://milestones.dev/problems/{code}";

    public static string Title(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => "The request is invalid.",
        ErrorKind.NotFound => "Not found.",
        ErrorKind.Forbidden => "Your role does not allow this.",
        ErrorKind.Conflict => "The current state does not allow this.",
        ErrorKind.PreconditionFailed => "The resource has changed.",
        ErrorKind.IdempotencyMismatch => "The idempotency key was used for a different request.",
        ErrorKind.Unavailable => "Try again shortly.",
        _ => "Error.",
    };
}
