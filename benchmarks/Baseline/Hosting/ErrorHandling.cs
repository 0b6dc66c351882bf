using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;
using Npgsql;

namespace Milestones.Baseline.Hosting;

/// <summary>Every error response is problem+json with a <c>code</c>: framework statuses, bad bodies, and an unreachable database.</summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddBaselineProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = CodeOf(problem.Status ?? StatusCodes.Status500InternalServerError);
                problem.Extensions["code"] = code;
                problem.Type = Problems.TypeOf(code);
            }
        });
        services.AddExceptionHandler<Handler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    private static string CodeOf(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        503 => "unavailable",
        _ => "internal_error",
    };

    /// <summary>Malformed or unknown JSON → 400 with a code; the database unreachable or pool exhausted → 503; never 500 for those.</summary>
    private sealed class Handler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var error = exception switch
            {
                BadHttpRequestException bad => BadRequest(bad),
                PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } => Errors.Unavailable(),
                PostgresException => null,
                NpgsqlException or TimeoutException => Errors.Unavailable(),
                _ => null,
            };
            if (error is null)
            {
                return false;
            }

            await Problems.From(error).ExecuteAsync(httpContext);
            return true;
        }

        private static Error BadRequest(BadHttpRequestException bad)
        {
            var json = bad.InnerException as JsonException;
            var (code, message) = bad.StatusCode switch
            {
                StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "Send the body as application/json."),
                _ when json?.Message.Contains("could not be mapped", StringComparison.Ordinal) == true =>
                    ("unknown_field", $"The body has a field this route does not take ({json.Path})."),
                _ when json is not null => ("malformed_json", $"The body is not valid JSON for this route at {json.Path}."),
                _ when bad.Message.Contains("no body was provided", StringComparison.Ordinal)
                    || bad.Message.Contains("was not provided from body", StringComparison.Ordinal) =>
                    ("malformed_json", "This route takes a JSON object body."),
                _ => ("bad_request", bad.Message),
            };
            return new Error(ErrorKind.Validation, code, message);
        }
    }
}
