using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.MicrosoftExtensions;
using Milestones.Api.Http;

namespace Milestones.Api.Hosting;

/// <summary>
/// The OpenAPI document: what it says about the API as a whole (title, security scheme, tags, the problem schema) and
/// about its types (required and nullable as the API behaves, enums, money in minor units, request examples).
/// What it says per operation is in <see cref="OpenApiOperations"/>.
/// </summary>
public static class OpenApiDocs
{
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "Problem";
    public const string ProblemCodeSchema = "ProblemCode";

    /// <summary>What Microsoft.AspNetCore.OpenApi marks a nullable property with, to write it as <c>oneOf</c> null or the schema.</summary>
    private const string NullablePropertyMarker = "x-is-nullable-property";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Contracts"] = "Fixed-price contracts (\"My Jobs\"): the offer, both parties' acceptance of a terms version, the event log and its audit chain, the end.",
        ["Milestones"] = "The terms (add, edit, delete Pending milestones) and the work: fund, submit, approve or request changes.",
        ["Change requests"] = "On an active contract the freelancer proposes changes to Pending milestones; the client accepts or declines.",
        ["Accounts"] = "Escrow accounts: balances and holds, statements, deposits and the ledger check (platform).",
        ["Events"] = "Events out: the platform's ordered feed of every contract and account event, and signed webhooks (retried, in order per contract, replayable).",
        ["Development"] = "Development environment only: bearer tokens for any user, and the sandbox clock that moves the product's time forward. Outside Development these routes do not exist.",
    };

    /// <summary>Integer properties that are money: minor units of the contract's or balance's currency.</summary>
    private static readonly HashSet<string> MoneyProperties =
        ["amount", "price", "funded", "released", "refunded", "available", "held", "inTransit", "deposited", "paidOut", "availableAfter", "heldAfter", "pending", "pendingAfter", "releasedAmount"];

    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(CreateContractRequest)] = """
            {"freelancerId": "bob", "title": "Online shop", "currency": "USD",
             "milestones": [{"description": "Design", "dueDate": "2030-03-01", "amount": 25000},
                            {"description": "Build", "dueDate": "2030-04-01", "amount": 50000}]}
            """,
        [typeof(AddMilestoneRequest)] = """{"description": "Launch", "dueDate": "2030-05-01", "amount": 25000, "position": 3, "message": "Adding the launch"}""",
        [typeof(EditMilestoneRequest)] = """{"amount": 30000, "message": "Launch includes training"}""",
        [typeof(AcceptTermsRequest)] = """{"termsVersion": 1}""",
        [typeof(MessageRequest)] = """{"message": "Agreed"}""",
        [typeof(RequestChangesRequest)] = """{"message": "Please fix the footer"}""",
        [typeof(EndContractRequest)] = """{"heldFunds": "refund", "message": "Project cancelled"}""",
        [typeof(SubmitWorkRequest)] = """{"message": "Designs attached", "links": ["https://example.com/designs"]}""",
        [typeof(ChangeRequestRequest)] = """
            {"message": "Launch needs a day of training",
             "operations": [{"op": "edit", "milestoneId": "m3", "amount": 30000}, {"op": "add", "description": "Training", "dueDate": "2030-06-01", "amount": 5000}]}
            """,
        [typeof(DepositRequest)] = """{"amount": 100000, "currency": "USD", "reference": "pi_3Nabc123"}""",
        [typeof(DevTokenRequest)] = """{"userId": "alice", "platform": false}""",
        [typeof(SandboxClockRequest)] = """{"advanceBy": "P14DT1H"}""",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(OpenApiOperations.Transform);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (schema.Enum is { Count: > 0 })
            {
                // A closed set of strings (a nullable use adds null to the list; a property's null is said by oneOf).
                schema.Type = JsonSchemaType.String;
                schema.Enum = schema.Enum.Where(value => value is not null && value.GetValueKind() != JsonValueKind.Null).ToList();
            }
            else if (context.JsonPropertyInfo is { } property)
            {
                if (property.PropertyType == typeof(Int128))
                {
                    // The ledger check's sums over every account may pass 64 bits. An integer without a format reads as
                    // 32 bits to client generators; the format registry's "decimal" keeps them exact (a JSON number still).
                    schema.Type = JsonSchemaType.Number;
                    schema.Format = "decimal";
                    schema.Description = "Money in integer minor units of the currency, summed over every account: a whole number that may exceed 64 bits.";
                }
                else if (MoneyProperties.Contains(property.Name) && schema.Type?.HasFlag(JsonSchemaType.Integer) == true)
                {
                    schema.Description = "Money in integer minor units of the currency (cents for USD): 25000 is 250.00.";
                }
            }
            else
            {
                Shape(schema, Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type);
            }

            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "Milestones API";
        document.Info.Version = "v1";
        document.Info.Contact = new OpenApiContact { Name = "Milestones", Url = new Uri("https://milestones.dev") };
        document.Info.Description =
            "Escrow for fixed-price milestone contracts. Authenticate with `Authorization: Bearer <JWT>` (in Development, "
            + "`POST /v1/dev/tokens` mints one; the reference page comes with one for `alice`). Money is an integer amount in "
            + "minor units of the contract's currency. Errors are RFC 9457 problem details with a stable `code`. Every POST "
            + "accepts `Idempotency-Key`; changes to a contract accept `If-Match` with the contract's `ETag`.";
        document.Servers = [new OpenApiServer { Url = "/", Description = "This server" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT whose `sub` is the user id; the role `platform` is the marketplace's own back end.",
        };
        document.AddComponent(ProblemCodeSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "Every problem code the API answers (the README's \"Problem codes\" says what each means); never renamed.",
            Enum = [.. ProblemCatalogue.All.Select(p => (JsonNode)JsonValue.Create(p.Code))],
        });
        document.AddComponent(ProblemSchema, Problem(document));
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description = TagDescriptions.GetValueOrDefault(tag.Name ?? "");
        }
    }

    /// <summary>RFC 9457 problem details as this API writes them: always a <c>code</c>; <c>detail</c> is the error's message.</summary>
    private static OpenApiSchema Problem(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details with a stable machine-readable `code`.",
        Required = new HashSet<string> { "type", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the code." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "What went wrong, for a person.",
                Extensions = new Dictionary<string, IOpenApiExtension>
                {
                    [OpenApiPrimaryErrorMessageExtension.Name] = new OpenApiPrimaryErrorMessageExtension { IsPrimaryErrorMessage = true },
                },
            },
            ["code"] = new OpenApiSchemaReference(ProblemCodeSchema, document),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Messages per invalid field, every invalid field of the request at once, by its JSON path (`milestones[0].amount`); `code` is the first one's (400 only).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    /// <summary>
    /// A request body requires exactly its <see cref="RequiredAttribute"/> fields (never
    /// null) and accepts null for the others; a response always writes every property, nulls included.
    /// </summary>
    private static void Shape(OpenApiSchema schema, Type type)
    {
        if (schema.Properties is not { Count: > 0 } properties)
        {
            return;
        }

        if (!IsRequestBody(type))
        {
            schema.Required = new HashSet<string>(properties.Keys);
            return;
        }

        schema.Required = new HashSet<string>(type.GetProperties()
            .Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)));
        foreach (var name in schema.Required)
        {
            if (properties[name] is OpenApiSchema property)
            {
                NotNull(property);
            }
        }

        if (Examples.TryGetValue(type, out var example))
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }
    }

    /// <summary>Not null: neither in its type nor, for a referenced schema (an enum), by the marker that makes it <c>oneOf</c> null.</summary>
    private static void NotNull(OpenApiSchema schema)
    {
        schema.Type &= ~JsonSchemaType.Null;
        schema.Metadata?.Remove(NullablePropertyMarker);
    }

    /// <summary>A request body's type: <c>…Request</c> in the API's namespace, or <c>…RequestBody</c> where the domain has the name.</summary>
    private static bool IsRequestBody(Type type) =>
        type.Namespace == typeof(CreateContractRequest).Namespace
        && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("RequestBody", StringComparison.Ordinal));
}
