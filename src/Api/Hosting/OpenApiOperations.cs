using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Milestones.Api.Http;
using Milestones.Domain;

namespace Milestones.Api.Hosting;

/// <summary>
/// Per operation: the bearer requirement (every route but the anonymous ones), the command headers, the response
/// headers, and the problem responses, whose statuses come from the one mapping of error kinds (<see cref="Problems.StatusOf"/>).
/// </summary>
public static class OpenApiOperations
{
    public static Task Transform(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var isProtected = !description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        var isCommand = isProtected && !HttpMethods.IsGet(description.HttpMethod ?? "");
        // Every command on an existing contract (a route with its id) honours If-Match; every contract command answers with its ETag.
        var onContract = description.RelativePath?.StartsWith("v1/contracts/{id}", StringComparison.Ordinal) == true;
        var sendsETag = isCommand && description.RelativePath?.StartsWith("v1/contracts", StringComparison.Ordinal) == true
            || description.ActionDescriptor.EndpointMetadata.OfType<SendsETag>().Any();
        operation.Parameters ??= [];
        operation.Responses ??= [];
        // An anonymous route says so with an empty requirement.
        operation.Security = [isProtected
            ? new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiDocs.BearerScheme, context.Document)] = [] }
            : new OpenApiSecurityRequirement()];

        if (isCommand)
        {
            operation.Parameters.Add(Header(RequestHeaders.IdempotencyKey,
                "Makes the request safe to retry (1 to 255 characters): a retry with the same key and request gets the first answer "
                + "again, with `Idempotent-Replayed: true`; the same key with a different request is 422.",
                new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255 }));
        }

        if (isCommand && onContract)
        {
            operation.Parameters.Add(Header(HeaderNames.IfMatch,
                "The contract's `ETag`: the change is applied only to that version (412 otherwise).", new OpenApiSchema { Type = JsonSchemaType.String }));
        }

        foreach (var status in ProblemStatuses(isProtected, isCommand, onContract, operation.RequestBody is not null))
        {
            operation.Responses[status.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Problem(context.Document!, status.Description,
                status.Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable);
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse r)
            {
                continue;
            }

            r.Headers ??= new Dictionary<string, IOpenApiHeader>();
            var success = status.StartsWith('2');
            if (success && sendsETag)
            {
                r.Headers[HeaderNames.ETag] = ResponseHeader("The contract's version, for `If-Match`.", JsonSchemaType.String);
            }

            if (isCommand && (success || status is "403" or "404" or "409"))
            {
                r.Headers[RequestHeaders.Replayed] = ResponseHeader("`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.", JsonSchemaType.String);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Which problems an operation can answer: each error kind's status, the authentication and limit statuses.</summary>
    private static IEnumerable<(int Status, string Description)> ProblemStatuses(bool isProtected, bool isCommand, bool onContract, bool hasBody)
    {
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            var applies = kind switch
            {
                ErrorKind.Validation or ErrorKind.Unavailable => true,
                ErrorKind.PreconditionFailed => isCommand && onContract,
                ErrorKind.IdempotencyMismatch => isCommand,
                _ => isProtected,
            };
            if (applies)
            {
                yield return (Problems.StatusOf(kind), Problems.Title(kind));
            }
        }

        if (isProtected)
        {
            yield return (StatusCodes.Status401Unauthorized, "The bearer token is missing or invalid.");
        }

        yield return (StatusCodes.Status429TooManyRequests, "Too many requests from this caller or address.");
        if (hasBody)
        {
            yield return (StatusCodes.Status413PayloadTooLarge, ReasonPhrases.GetReasonPhrase(StatusCodes.Status413PayloadTooLarge));
            yield return (StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");
        }
    }

    private static OpenApiResponse Problem(OpenApiDocument document, string description, bool retryAfter) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(OpenApiDocs.ProblemSchema, document) },
        },
        Headers = retryAfter
            ? new Dictionary<string, IOpenApiHeader> { [HeaderNames.RetryAfter] = ResponseHeader("Seconds to wait before trying again.", JsonSchemaType.Integer) }
            : null,
    };

    private static OpenApiParameter Header(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Header, Required = false, Description = description, Schema = schema };

    private static OpenApiHeader ResponseHeader(string description, JsonSchemaType type) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };

    /// <summary>Endpoint metadata of a read that returns the contract's <c>ETag</c>.</summary>
    public sealed class SendsETag;
}
