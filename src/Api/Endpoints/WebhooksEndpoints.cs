using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Milestones.Api.Http;
using Milestones.Contracts;
using Milestones.Webhooks;

namespace Milestones.Api.Endpoints;

/// <summary>Events out: the platform's webhook endpoints, their deliveries, replay and secret rotation.</summary>
public static class WebhooksEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhooks").WithTags("Events");
        group.MapPost("", Create).WithName("CreateWebhook").Refuses(["role_not_allowed", "invalid_webhook_url", "invalid_type", .. OperationProblems.Text("description", required: false), "too_many_webhooks", "webhook_already_exists"]).WithSummary(
            "Platform only: an endpoint that is sent every event of its types (all when none) from now on, signed; the answer is the only one that shows its secret.");
        group.MapGet("", List).WithName("GetWebhooks").Refuses("role_not_allowed").WithSummary("Platform only: the webhook endpoints.");
        group.MapGet("/{webhookId}", Get).WithName("GetWebhook").Refuses("role_not_allowed", "webhook_not_found").WithSummary("Platform only: one endpoint, how far it has read the feed, and its pending and dead deliveries.");
        group.MapDelete("/{webhookId}", Delete).WithName("DeleteWebhook").Refuses("role_not_allowed", "webhook_not_found").WithSummary("Platform only: stops the endpoint's deliveries.");
        group.MapPost("/{webhookId}/rotate-secret", RotateSecret).WithName("RotateWebhookSecret").Refuses("role_not_allowed", "webhook_not_found").WithSummary(
            "Platform only: a new secret signs from now on (shown once); the previous one still signs for 24 hours.");
        group.MapPost("/{webhookId}/replay", Replay).WithName("ReplayWebhook").Refuses("role_not_allowed", "webhook_not_found", "invalid_cursor", "cursor_expired").WithSummary(
            "Platform only: sends again every event of the endpoint's types after a feed cursor.");
        group.MapGet("/{webhookId}/deliveries", Deliveries).WithName("GetWebhookDeliveries").Refuses("role_not_allowed", "webhook_not_found", "invalid_status").WithSummary(
            "Platform only: the endpoint's deliveries in the order made (pending, the last delivered, the dead), each with its last attempts.")
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                var status = operation.Parameters!.OfType<OpenApiParameter>().Single(p => p.Name == "status");
                status.Schema = new OpenApiSchemaReference(nameof(DeliveryStatus), context.Document);
                status.Description = "Only deliveries of this status (any when absent).";
                return Task.CompletedTask;
            });
        group.MapPost("/{webhookId}/deliveries/{deliveryId}/retry", Retry).WithName("RetryWebhookDelivery").Refuses("role_not_allowed", "webhook_not_found", "delivery_not_found", "delivery_not_dead").WithSummary(
            "Platform only: tries a dead delivery again now, with retries for as long again (Webhooks:RetryFor, 3 days by default).");
        return group;
    }

    public static async Task<Results<Created<WebhookView>, ProblemHttpResult>> Create(WebhookRequest body, [AsParameters] ApiServices api)
    {
        if (RequestHeaders.TryReadOptions(api.Http.Request, out var options) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var id = GrainKeys.Created(GrainKeys.WebhookPrefix, api.Caller.UserId, options.IdempotencyKey);
        var created = await api.Grains.GetGrain<IWebhookGrain>(id).CreateAsync(api.Caller, new NewWebhook(body.Url!, body.Types, body.Description), options.IdempotencyKey);
        return CommandResults.Answer(api.Http, created, view => TypedResults.Created($"/v1/webhooks/{id}", view));
    }

    public static async Task<Results<Ok<WebhookList>, ProblemHttpResult>> List([AsParameters] ApiServices api)
    {
        if (!api.Caller.IsPlatform)
        {
            return Problems.From(Domain.Errors.PlatformOnly("manage webhooks"));
        }

        var ids = await api.Grains.GetGrain<IWebhookRegistryGrain>(0).ListAsync();
        var found = await Task.WhenAll(ids.Select(id => api.Grains.GetGrain<IWebhookGrain>(id).GetAsync(api.Caller)));
        return TypedResults.Ok(new WebhookList([.. found.Where(o => o.Succeeded).Select(o => o.Value!)]));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(string webhookId, [AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).GetAsync(api.Caller), TypedResults.Ok);

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Delete(string webhookId, [AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).DeleteAsync(api.Caller), TypedResults.Ok);

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> RotateSecret(string webhookId, [AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).RotateSecretAsync(api.Caller), TypedResults.Ok);

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Replay(string webhookId, ReplayRequest body, [AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).ReplayAsync(api.Caller, body.After!), TypedResults.Ok);

    public static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> Deliveries(
        string webhookId, [AsParameters] ApiServices api, string? status, long? after, int? limit)
    {
        if (!QueryValues.TryParseOne(status, out DeliveryStatus? only))
        {
            return Problems.Invalid("invalid_status", "status", "status must be pending, delivered or dead.");
        }

        return CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).GetDeliveriesAsync(api.Caller, only, after ?? 0, limit ?? 100), TypedResults.Ok);
    }

    public static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> Retry(string webhookId, string deliveryId, [AsParameters] ApiServices api) =>
        CommandResults.Answer(api.Http, await api.Grains.GetGrain<IWebhookGrain>(webhookId).RetryAsync(api.Caller, deliveryId), TypedResults.Ok);
}
