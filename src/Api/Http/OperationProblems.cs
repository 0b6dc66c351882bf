using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>The problem codes an operation answers besides those its kind gives (<see cref="OperationProblems"/>).</summary>
public sealed record RefusesMetadata(IReadOnlyList<string> Codes);

/// <summary>
/// Which problem codes each operation can answer: those its kind gives — every operation's (an outage, the rate
/// limit), a protected one's (the token), one with a body's (its JSON), a command's (its idempotency key), one on a
/// contract's (its id, version, status and open transfer), a path id's and a typed parameter's — and those it declares
/// (<see cref="Refuses{TBuilder}"/>). The OpenAPI document lists them per operation, and a problem answered with a code
/// its operation does not list is logged as an error, as one outside the catalogue is.
/// </summary>
public static class OperationProblems
{
    /// <summary>Route values checked by the id rule (<see cref="PathIds"/>).</summary>
    public static readonly string[] PathIdNames = ["id", "milestoneId", "changeRequestId", "userId", "payoutId"];

    /// <summary>The codes of a free-text field (<see cref="Domain.Validate.Text"/>).</summary>
    public static string[] Text(string field, bool required = true) =>
        [.. required ? [Validate.RequiredCode(field)] : Array.Empty<string>(), Validate.TooLongCode(field), Validate.InvalidCharactersCode(field)];

    /// <summary>The codes of an id field (<see cref="Domain.Validate.Id"/>).</summary>
    public static string[] Id(string field) => [Validate.RequiredCode(field), Validate.TooLongCode(field), Validate.InvalidIdCode];

    public static readonly string[] Amount = ["invalid_amount", "amount_too_large"];

    /// <summary>A new milestone's description, due date and amount.</summary>
    public static readonly string[] MilestoneFields = [.. Text("description"), "due_date_in_past", .. Amount];

    /// <summary>A statement's query: its period, format and contract.</summary>
    public static readonly string[] StatementQuery = ["invalid_from", "invalid_to", "invalid_period", "invalid_format", .. Id("contractId")];

    private static readonly ConcurrentDictionary<Endpoint, IReadOnlySet<string>> Cache = new();

    /// <summary>Declares the codes the endpoint's own rules answer.</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, params string[] codes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RefusesMetadata(codes));

    /// <summary>Every code <paramref name="endpoint"/> can answer.</summary>
    public static IReadOnlySet<string> Of(Endpoint endpoint) => Cache.GetOrAdd(endpoint, e => Codes(
        e.Metadata, (e as RouteEndpoint)?.RoutePattern, e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []));

    /// <summary>The codes of an operation with this metadata, route and methods, in the catalogue's order.</summary>
    public static IReadOnlySet<string> Codes(IReadOnlyList<object> metadata, RoutePattern? route, IReadOnlyList<string> methods)
    {
        var codes = new HashSet<string> { "service_unavailable", "rate_limited" };
        var isProtected = !metadata.OfType<IAllowAnonymous>().Any();
        var isCommand = isProtected && methods.Any(m => !HttpMethods.IsGet(m));
        var onContract = route?.RawText?.StartsWith("/v1/contracts/{id}", StringComparison.Ordinal) == true;
        if (isProtected)
        {
            codes.UnionWith(["unauthorized", "invalid_token", "forbidden"]);
        }

        if (metadata.OfType<IAcceptsMetadata>().FirstOrDefault() is { } accepts)
        {
            codes.UnionWith(["malformed_json", "unknown_field", "duplicate_field", "bad_request", "payload_too_large", "unsupported_media_type", "request_timeout"]);
            if (accepts.RequestType?.GetProperties().Any(p => p.GetCustomAttribute<RequiredAttribute>() is not null) == true)
            {
                codes.Add("validation_failed");
            }
        }

        if (isCommand)
        {
            codes.UnionWith(["invalid_idempotency_key", "idempotency_key_reused", "invalid_if_match"]);
        }

        if (onContract)
        {
            codes.UnionWith(["contract_not_found", "role_not_allowed"]);
            if (isCommand)
            {
                codes.UnionWith(["version_mismatch", "contract_state_conflict", "contract_halted", "transfer_in_progress"]);
            }
        }

        foreach (var name in route?.Parameters.Select(p => p.Name).Intersect(PathIdNames) ?? [])
        {
            codes.UnionWith(Id(name));
        }

        // A parameter parsed from its text (a number, a date) that does not parse.
        if (metadata.OfType<IParameterBindingMetadata>().Any(p => p.HasTryParse && (Nullable.GetUnderlyingType(p.ParameterInfo.ParameterType) ?? p.ParameterInfo.ParameterType) != typeof(string)))
        {
            codes.Add("invalid_parameter");
        }
        codes.UnionWith(metadata.OfType<RefusesMetadata>().SelectMany(r => r.Codes));
        return codes;
    }
}
