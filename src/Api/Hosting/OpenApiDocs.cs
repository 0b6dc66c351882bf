using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Milestones.Api.Http;

namespace Milestones.Api.Hosting;

/// <summary>The OpenAPI document: title, the problem responses every route can give, and request examples.</summary>
public static class OpenApiDocs
{
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
        [typeof(MessageRequest)] = """{"message": "Please fix the footer"}""",
        [typeof(EndContractRequest)] = """{"heldFunds": "refund", "message": "Project cancelled"}""",
        [typeof(SubmitWorkRequest)] = """{"message": "Designs attached", "links": ["https://example.com/designs"]}""",
        [typeof(ChangeRequestRequest)] = """
            {"message": "Launch needs a day of training",
             "operations": [{"op": "edit", "milestoneId": "m3", "amount": 30000}, {"op": "add", "description": "Training", "dueDate": "2030-06-01", "amount": 5000}]}
            """,
        [typeof(DepositRequest)] = """{"amount": 100000, "currency": "USD", "reference": "pi_3Nabc123"}""",
        [typeof(DevTokenRequest)] = """{"userId": "alice", "platform": false}""",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Milestones API";
            document.Info.Description =
                "Escrow for fixed-price milestone contracts. Errors are RFC 9457 problem details with a stable `code`. "
                + "Every POST accepts `Idempotency-Key`; contract mutations accept `If-Match` with the contract's ETag.";
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                schema.Examples = [JsonNode.Parse(example)!];
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The problem responses a route may give, documented on every route of a group.</summary>
    public static TBuilder WithProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 412, 422, 429, 503 })
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
