using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Hosting;

/// <summary>Every error response is problem details with a stable <c>code</c>, including those the framework writes.</summary>
public static class ProblemHandling
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>What a 503 (and a 429 without a better estimate) asks the caller to wait.</summary>
    public const int RetryAfterSeconds = 1;

    public const string TraceIdHeader = "Trace-Id";

    private const string ValidationFailed = "validation_failed";

    public static IServiceCollection AddMilestonesProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem is HttpValidationProblemDetails validation && !problem.Extensions.ContainsKey("code"))
            {
                MissingFields(validation);
            }

            if (!problem.Extensions.TryGetValue("code", out var code))
            {
                code = CodeOf(problem.Status ?? StatusCodes.Status500InternalServerError);
                problem.Extensions["code"] = code;
                problem.Type = Problems.TypeOf((string)code);
            }

            // A code outside the catalogue is one the API's document and README do not list: a bug to report.
            // So is a code its operation does not list (an endpoint of the API's own: they have names).
            var endpoint = context.HttpContext.GetEndpoint();
            if (code is string answered && (!ProblemCatalogue.Lists(answered)
                || (endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>() is not null && !OperationProblems.Of(endpoint).Contains(answered))))
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProblemHandling))
                    .LogUnlistedProblemCode(answered, endpoint?.DisplayName ?? context.HttpContext.Request.Path);
            }

            // A problem's body depends only on the request and the state, so that a replay repeats it byte for byte;
            // the trace id that ties it to the logs travels in a header.
            if (problem.Extensions.Remove("traceId", out var traceId) && traceId is not null)
            {
                context.HttpContext.Response.Headers[TraceIdHeader] = traceId.ToString();
            }

            // Every 429 and 503 says when to come back, whoever wrote it (domain error, limiter, exception handler).
            if (problem.Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
                && !context.HttpContext.Response.Headers.ContainsKey(HeaderNames.RetryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }
        });
        // The built-in validation of request bodies ([Required] fields), reported as validation_failed (MissingFields).
        services.AddValidation();
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddExceptionHandler<UnavailableHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The built-in validation of request bodies (their <c>[Required]</c> fields) as this API reports it: 400
    /// <c>validation_failed</c>, each field by its JSON path (<c>milestones[0].amount</c>).
    /// </summary>
    private static void MissingFields(HttpValidationProblemDetails problem)
    {
        var errors = problem.Errors.ToDictionary(e => string.Join('.', e.Key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName)), e => e.Value);
        problem.Errors = errors;
        problem.Title = "The request is invalid.";
        problem.Detail = "Required fields are missing: " + string.Join(", ", errors.Keys);
        problem.Extensions["code"] = ValidationFailed;
        problem.Type = Problems.TypeOf(ValidationFailed);
    }

    public static string CodeOf(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        431 => "request_headers_too_large",
        429 => "rate_limited",
        503 => UnavailableHandler.Code,
        < 500 => "bad_request",
        _ => "internal_error",
    };

    /// <summary>A body larger than the limit is refused before it is read (Kestrel enforces it for chunked bodies too).</summary>
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength > MaxRequestBodyBytes)
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body may not exceed {MaxRequestBodyBytes} bytes.");
            return;
        }

        await next(context);
    });

    /// <summary>
    /// A request that no route matches is 404 <c>not_found</c>, with or without a token: the authorization fallback
    /// policy (every endpoint needs a token unless it says otherwise) would otherwise answer it 401, as if the route
    /// existed. A route matched with another method is left to routing (405).
    /// </summary>
    public static IApplicationBuilder UseNotFoundForUnknownRoutes(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint() is null)
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "No such route.", Problems.Title(ErrorKind.NotFound));
            return;
        }

        await next(context);
    });

    /// <summary>Writes one problem response outside an endpoint (middleware, auth events, exception handlers).</summary>
    internal static async Task WriteAsync(HttpContext context, int status, string code, string detail, string title = "The request is invalid.")
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = Problems.TypeOf(code), Extensions = { ["code"] = code } },
        });
    }

    /// <summary>Malformed JSON, unknown or repeated fields, wrong content type, oversized bodies: 4xx with a code, never 500.</summary>
    private sealed class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            var json = bad.InnerException as JsonException;
            var (code, detail) = bad.StatusCode switch
            {
                StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "Send the body as application/json."),
                StatusCodes.Status413PayloadTooLarge => ("payload_too_large", $"The body may not exceed {MaxRequestBodyBytes} bytes."),
                _ when json?.Message.StartsWith("Duplicate propert", StringComparison.Ordinal) == true =>
                    ("duplicate_field", $"The body names a field more than once ({json.Path})."),
                _ when json?.Message.Contains("could not be mapped", StringComparison.Ordinal) == true =>
                    ("unknown_field", $"The body has a field this route does not take ({json.Path})."),
                _ when json is not null => ("malformed_json", $"The body is not valid JSON for this route at {json.Path}."),
                _ when bad.Message.Contains("no body was provided", StringComparison.Ordinal)
                    || bad.Message.Contains("was not provided from body", StringComparison.Ordinal) =>
                    ("malformed_json", "This route takes a JSON object body."),
                _ when bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) => ("invalid_parameter", bad.Message),
                _ => (CodeOf(bad.StatusCode), bad.Message),
            };
            await WriteAsync(httpContext, bad.StatusCode, code, detail);
            return true;
        }
    }

    /// <summary>
    /// A part of the system did not answer (no silo reached yet, silo gone, message rejected, timeout, store
    /// unreachable, a cancellation the client did not ask for): 503 <c>service_unavailable</c> with <c>Retry-After</c>. Anything else stays a 500.
    /// </summary>
    private sealed class UnavailableHandler(ILogger<UnavailableHandler> logger, IHostApplicationLifetime lifetime) : IExceptionHandler
    {
        public const string Code = "service_unavailable";

        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            // Before the host has started, a client API has not reached a silo yet (it knows no grain type then).
            if (lifetime.ApplicationStarted.IsCancellationRequested && !IsInfrastructure(exception, httpContext.RequestAborted))
            {
                return false;
            }

            logger.LogServiceUnavailable(exception.GetType().Name, exception);
            await WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, Code,
                "A part of the system is unavailable. The request was not applied, unless a retry with the same Idempotency-Key says it was; "
                + "such a retry is always safe.",
                "Try again shortly.");
            return true;
        }

        private static bool IsInfrastructure(Exception exception, CancellationToken requestAborted)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is OperationCanceledException)
                {
                    return !requestAborted.IsCancellationRequested;
                }

                // OrleansException covers SiloUnavailableException, OrleansMessageRejectionException and a lost gateway;
                // a silo's store failure arrives as StoreUnavailableException (never as its driver's DbException, which a
                // client in another process could not read); a DbException is this process's own.
                if (e is TimeoutException or Orleans.Runtime.OrleansException or StoreUnavailableException or DbException)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
