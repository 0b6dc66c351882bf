using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Contracts;

namespace Milestones.Api.Http;

/// <summary>Runs one contract command and maps its outcome to one response, with ETag and the replay header.</summary>
public static class CommandResults
{
    public static async Task<Results<Ok<ContractView>, ProblemHttpResult>> Run(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        var (result, problem) = await ExecuteAsync(http, command);
        return result is null ? problem! : TypedResults.Ok(result.Contract);
    }

    public static async Task<Results<Created<T>, ProblemHttpResult>> Create<T>(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command, Func<ContractResult, (string Location, T Body)> created)
    {
        var (result, problem) = await ExecuteAsync(http, command);
        if (result is null)
        {
            return problem!;
        }

        var (location, body) = created(result);
        return TypedResults.Created(location, body);
    }

    /// <summary>
    /// Runs one account command that takes an <c>Idempotency-Key</c>: its outcome's replay header, then its problem or
    /// <paramref name="ok"/>.
    /// </summary>
    public static async Task<Results<TOk, ProblemHttpResult>> RunAccount<T, TOk>(
        HttpContext http, Func<string?, Task<Outcome<T>>> command, Func<T, TOk> ok) where TOk : IResult
    {
        if (RequestHeaders.TryReadOptions(http.Request, out var options) is { } invalid)
        {
            return Problems.From(invalid);
        }

        return Answer(http, await command(options.IdempotencyKey), ok);
    }

    /// <summary>An outcome's replay header, then its problem or <paramref name="ok"/>.</summary>
    public static Results<TOk, ProblemHttpResult> Answer<T, TOk>(HttpContext http, Outcome<T> outcome, Func<T, TOk> ok) where TOk : IResult
    {
        if (outcome.Replayed)
        {
            http.Response.Headers[RequestHeaders.Replayed] = "true";
        }

        return outcome.Error is { } error ? Problems.From(error) : ok(outcome.Value!);
    }

    private static async Task<(ContractResult? Result, ProblemHttpResult? Problem)> ExecuteAsync(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        if (RequestHeaders.TryReadOptions(http.Request, out var options) is { } invalid)
        {
            return (null, Problems.From(invalid));
        }

        var outcome = await command(options);
        if (Answer(http, outcome, r => TypedResults.Ok(r)).Result is ProblemHttpResult problem)
        {
            return (null, problem);
        }

        http.Response.Headers.ETag = RequestHeaders.ETag(outcome.Value!.Contract.Version);
        return (outcome.Value, null);
    }
}
