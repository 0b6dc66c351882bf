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

    private static async Task<(ContractResult? Result, ProblemHttpResult? Problem)> ExecuteAsync(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        if (RequestHeaders.TryReadOptions(http.Request, out var options) is { } invalid)
        {
            return (null, Problems.From(invalid));
        }

        var outcome = await command(options);
        if (outcome.Replayed)
        {
            http.Response.Headers[RequestHeaders.Replayed] = "true";
        }

        if (outcome.Error is { } error)
        {
            return (null, Problems.From(error));
        }

        http.Response.Headers.ETag = RequestHeaders.ETag(outcome.Value!.Contract.Version);
        return (outcome.Value, null);
    }
}
