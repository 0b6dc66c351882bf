using Milestones.Domain;
using Milestones.Webhooks;

namespace Milestones.Contracts;

/// <summary>One webhook endpoint of the platform (keyed by its id): it reads the feed and delivers each event of its types, signed.</summary>
[Alias("ms.IWebhookGrain")]
public interface IWebhookGrain : IGrainWithStringKey
{
    /// <summary>Creates the endpoint; it is sent the events from now on. The answer is the only one that shows the secret.</summary>
    [Alias("Create")] Task<Outcome<WebhookView>> CreateAsync(Caller caller, NewWebhook webhook, string? idempotencyKey = null);

    [Alias("Get")] Task<Outcome<WebhookView>> GetAsync(Caller caller);

    /// <summary>Stops its deliveries and forgets it.</summary>
    [Alias("Delete")] Task<Outcome<WebhookView>> DeleteAsync(Caller caller);

    /// <summary>A new secret signs from now on; the previous ones go on signing for 24 hours (the answer shows the new one).</summary>
    [Alias("RotateSecret")] Task<Outcome<WebhookView>> RotateSecretAsync(Caller caller);

    /// <summary>Sends again every event of its types after the feed position <paramref name="after"/>.</summary>
    [Alias("Replay")] Task<Outcome<WebhookView>> ReplayAsync(Caller caller, string after);

    [Alias("GetDeliveries")] Task<Outcome<DeliveryPage>> GetDeliveriesAsync(Caller caller, DeliveryStatus? status, long after, int limit);

    /// <summary>Tries a dead delivery again now.</summary>
    [Alias("Retry")] Task<Outcome<DeliveryView>> RetryAsync(Caller caller, string deliveryId);
}

/// <summary>The platform's webhook endpoints (keyed 0): their ids, for the list.</summary>
[Alias("ms.IWebhookRegistryGrain")]
public interface IWebhookRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Add")] Task AddAsync(string id);
    [Alias("Remove")] Task RemoveAsync(string id);
    [Alias("List")] Task<IReadOnlyList<string>> ListAsync();
}

[GenerateSerializer, Immutable, Alias("ms.NewWebhook")]
public sealed record NewWebhook([property: Id(0)] string Url, [property: Id(1)] IReadOnlyList<string>? Types, [property: Id(2)] string? Description);

/// <summary>
/// A webhook endpoint: <see cref="Cursor"/> is the feed position it has read through; <see cref="Secret"/> only in
/// the answer that made it (creation, rotation).
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.WebhookView")]
public sealed record WebhookView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyList<string> Types,
    [property: Id(3)] string? Description,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string Cursor,
    [property: Id(6)] int PendingDeliveries,
    [property: Id(7)] int DeadDeliveries,
    [property: Id(8)] string? Secret = null);

[GenerateSerializer, Immutable, Alias("ms.DeliveryView")]
public sealed record DeliveryView(
    [property: Id(0)] string Id,
    [property: Id(1)] string EventId,
    [property: Id(2)] string EventType,
    [property: Id(3)] DeliveryStatus Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] int AttemptCount,
    [property: Id(7)] IReadOnlyList<DeliveryAttempt> Attempts)
{
    public static DeliveryView From(Delivery d) =>
        new(d.Id, d.EventId, d.EventType, d.Status, d.CreatedAt, d.NextAttemptAt, d.AttemptCount, [.. d.Attempts]);
}

/// <summary>Deliveries in the order made; <see cref="NextAfter"/> continues the list (null at its end).</summary>
[GenerateSerializer, Immutable, Alias("ms.DeliveryPage")]
public sealed record DeliveryPage([property: Id(0)] IReadOnlyList<DeliveryView> Items, [property: Id(1)] long? NextAfter);

/// <summary>The platform's webhook endpoints.</summary>
[GenerateSerializer, Immutable, Alias("ms.WebhookList")]
public sealed record WebhookList([property: Id(0)] IReadOnlyList<WebhookView> Items);
