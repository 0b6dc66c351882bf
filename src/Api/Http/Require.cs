using Microsoft.AspNetCore.Http.HttpResults;

namespace Milestones.Api.Http;

/// <summary>Collects every missing required field of a request into one 400 <c>validation_failed</c>.</summary>
public sealed class Require
{
    private readonly Dictionary<string, string[]> missing = [];

    public T Value<T>(T? value, string field) where T : struct
    {
        if (value is null)
        {
            missing[field] = [$"'{field}' is required."];
        }

        return value.GetValueOrDefault();
    }

    public T Reference<T>(T? value, string field) where T : class
    {
        if (value is null)
        {
            missing[field] = [$"'{field}' is required."];
        }

        return value!;
    }

    public ProblemHttpResult? Problem() => missing.Count == 0 ? null : TypedResults.Problem(
        detail: "Required fields are missing: " + string.Join(", ", missing.Keys),
        statusCode: StatusCodes.Status400BadRequest,
        title: "The request is invalid.",
        type: Problems.TypeOf("validation_failed"),
        extensions: new Dictionary<string, object?> { ["code"] = "validation_failed", ["errors"] = missing });
}
