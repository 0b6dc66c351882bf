using Microsoft.AspNetCore.Http.HttpResults;
using Milestones.Contracts;

namespace Milestones.Api.Http;

/// <summary>Runs one contract command and maps its outcome to one response, with ETag and the replay header.</summary>
public static class CommandResults
{
    public static async Task<Results<Ok<ContractView>, ProblemHttpResult>> Run(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command)
    {
        if (RequestHeaders.TryReadOptions(http.Request, out var options) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await command(options);
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        Decorate(http, outcome);
        return TypedResults.Ok(outcome.Value!.Contract);
    }

    public static async Task<Results<Created<T>, ProblemHttpResult>> Create<T>(
        HttpContext http, Func<CommandOptions, Task<Outcome<ContractResult>>> command, Func<ContractResult, (string Location, T Body)> created)
    {
        if (RequestHeaders.TryReadOptions(http.Request, out var options) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await command(options);
        if (outcome.Error is { } error)
        {
            return Problems.From(error);
        }

        Decorate(http, outcome);
        var (location, body) = created(outcome.Value!);
        return TypedResults.Created(location, body);
    }

    private static void Decorate(HttpContext http, Outcome<ContractResult> outcome)
    {
        http.Response.Headers.ETag = RequestHeaders.ETag(outcome.Value!.Contract.Version);
        if (outcome.Replayed)
        {
            http.Response.Headers[RequestHeaders.Replayed] = "true";
        }
    }
}
