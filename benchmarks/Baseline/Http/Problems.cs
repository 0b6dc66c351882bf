using Milestones.Baseline.Domain;

namespace Milestones.Baseline.Http;

/// <summary>The one place that maps rejections to HTTP: problem+json with a stable <c>code</c>.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static string TypeOf(string code) => "https://milestones.dev/problems/" + code;

    public static IResult From(Error error) => new ProblemResult(new ProblemBody(
        TypeOf(error.Code), Title(error.Kind), (int)error.Kind, error.Message, error.Code,
        error.Field is null ? null : new Dictionary<string, string[]> { [error.Field] = [error.Message] }));

    /// <summary>Every missing required field in one 400 <c>validation_failed</c>.</summary>
    public static IResult Missing(Dictionary<string, string[]> missing) => new ProblemResult(new ProblemBody(
        TypeOf("validation_failed"), Title(ErrorKind.Validation), StatusCodes.Status400BadRequest,
        "Required fields are missing: " + string.Join(", ", missing.Keys), "validation_failed", missing));

    public static string Title(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => "The request is invalid.",
        ErrorKind.NotFound => "Not found.",
        ErrorKind.Forbidden => "Your role does not allow this.",
        ErrorKind.Conflict => "The current state does not allow this.",
        ErrorKind.Unavailable => "Try again shortly.",
        _ => "Error.",
    };

    private sealed class ProblemResult(ProblemBody body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = body.Status;
            return httpContext.Response.WriteAsJsonAsync(body, BaselineJson.Default.ProblemBody, ContentType);
        }
    }
}

/// <summary>Collects the missing required fields of a request body.</summary>
internal sealed class Require
{
    private Dictionary<string, string[]>? missing;

    public T Value<T>(T? value, string field) where T : struct
    {
        if (value is null)
        {
            Add(field);
        }

        return value.GetValueOrDefault();
    }

    public T Reference<T>(T? value, string field) where T : class
    {
        if (value is null)
        {
            Add(field);
        }

        return value!;
    }

    public IResult? Problem() => missing is null ? null : Problems.Missing(missing);

    private void Add(string field) => (missing ??= [])[field] = [$"'{field}' is required."];
}
