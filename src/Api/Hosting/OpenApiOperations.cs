using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Milestones.Api.Http;
using Milestones.Domain;

namespace Milestones.Api.Hosting;

/// <summary>
/// Per operation: the bearer requirement (every route but the anonymous ones), the command headers, the response
/// headers, and the problem responses: per status, the codes the operation answers (<see cref="OperationProblems"/>).
/// </summary>
public static class OpenApiOperations
{
    /// <summary>The extension of a problem response that lists its codes.</summary>
    public const string ProblemCodesExtension = "x-problem-codes";

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
        // A tool shows the summary as the operation's title: its name in words (FundMilestone: "Fund milestone"); what it
        // does is its description.
        if (string.IsNullOrEmpty(operation.Description) && operation.OperationId is { } name)
        {
            operation.Description = operation.Summary;
            operation.Summary = Words(name);
        }

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

        var codes = OperationProblems.Codes(
            [.. description.ActionDescriptor.EndpointMetadata], RoutePatternFactory.Parse("/" + description.RelativePath), [description.HttpMethod ?? HttpMethods.Get]);
        foreach (var status in ProblemCatalogue.All.Where(p => codes.Contains(p.Code)).GroupBy(p => p.Status))
        {
            operation.Responses[status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                Problem(context.Document!, StatusDescription(status.Key), [.. status.Select(p => p.Code)]);
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

    /// <summary>A PascalCase name in words, the first capitalised: <c>GetWebhookDeliveries</c> is "Get webhook deliveries".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    private static string StatusDescription(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "The bearer token is missing or invalid.",
        StatusCodes.Status429TooManyRequests => "Too many requests from this caller or address.",
        StatusCodes.Status413PayloadTooLarge => ReasonPhrases.GetReasonPhrase(status),
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => Enum.GetValues<ErrorKind>().Where(k => Problems.StatusOf(k) == status).Select(Problems.Title).FirstOrDefault() ?? ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>
    /// A problem response (<c>Problem</c>) with the codes of its status this operation answers, in its description and,
    /// for tools, in <c>x-problem-codes</c>. (A schema narrowing <c>code</c> per response would make generators write an
    /// error type per operation and status: Kiota's client grew from 120 files to 880.)
    /// </summary>
    private static OpenApiResponse Problem(OpenApiDocument document, string description, IReadOnlyList<string> codes) => new()
    {
        Description = $"{description} `code`: {string.Join(", ", codes.Select(c => $"`{c}`"))}.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(OpenApiDocs.ProblemSchema, document) },
        },
        Headers = codes.Any(c => c is "rate_limited" or "service_unavailable" or "transfer_in_progress")
            ? new Dictionary<string, IOpenApiHeader> { [HeaderNames.RetryAfter] = ResponseHeader("Seconds to wait before trying again.", JsonSchemaType.Integer) }
            : null,
        Extensions = new Dictionary<string, IOpenApiExtension>
        {
            [ProblemCodesExtension] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonArray([.. codes.Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c))])),
        },
    };

    private static OpenApiParameter Header(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Header, Required = false, Description = description, Schema = schema };

    private static OpenApiHeader ResponseHeader(string description, JsonSchemaType type) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };

    /// <summary>Endpoint metadata of a read that returns the contract's <c>ETag</c>.</summary>
    public sealed class SendsETag;
}
