using Milestones.Contracts;
using Milestones.Wakeups;

namespace Milestones.Webhooks;

/// <summary>
/// One webhook endpoint as stored: where it points, what it wants, its secrets, how far it has read the feed, and
/// its deliveries — the pending ones (each with its event's JSON) and the most recent finished ones.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.WebhookState")]
public sealed class WebhookState : IScheduledState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Url { get; set; } = "";
    [Id(2)] public List<string> Types { get; set; } = [];
    [Id(3)] public string? Description { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Signing secrets, newest first; an older one is dropped once its expiry has passed.</summary>
    [Id(5)] public List<WebhookSecret> Secrets { get; set; } = [];

    /// <summary>The feed position through which every event of the endpoint's types has a delivery.</summary>
    [Id(6)] public long Cursor { get; set; }

    [Id(7)] public List<Delivery> Deliveries { get; set; } = [];

    /// <summary>Numbers the deliveries (<c>d1</c>, <c>d2</c>, …).</summary>
    [Id(8)] public long NextDelivery { get; set; } = 1;

    [Id(9)] public bool Deleted { get; set; }

    /// <summary>When the endpoint must be woken: its next attempt, or the next look at the feed (stored with the row).</summary>
    [Id(10)] public DateTimeOffset? WakeAt { get; set; }

    /// <summary>The key its create was sent with, if any (<see cref="IdempotencyKeys"/>): a retry with it replays <see cref="CreatedAnswer"/>.</summary>
    [Id(11)] public List<IdempotencyRecord> Keys { get; set; } = [];

    /// <summary>The keyed create's answer, secret included; kept a day (<see cref="IdempotencyKeys.Retention"/>), then dropped with its key.</summary>
    [Id(12)] public WebhookView? CreatedAnswer { get; set; }

    public bool Exists => Id.Length > 0 && !Deleted;
}

[GenerateSerializer, Immutable, Alias("ms.WebhookSecret")]
public sealed record WebhookSecret([property: Id(0)] string Value, [property: Id(1)] DateTimeOffset CreatedAt, [property: Id(2)] DateTimeOffset? ExpiresAt = null);

[GenerateSerializer, Alias("ms.DeliveryStatus")]
public enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt, for the retry after a failed one, or for the delivery before it in its stream.</summary>
    Pending,

    /// <summary>A 2xx answered it.</summary>
    Delivered,

    /// <summary>Every attempt failed until its retries ran out; listed until retried by hand.</summary>
    Dead,
}

/// <summary>One attempt: when, the HTTP status if any answered, how long it took, and what went wrong if it failed.</summary>
[GenerateSerializer, Immutable, Alias("ms.DeliveryAttempt")]
public sealed record DeliveryAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int? Status,
    [property: Id(2)] long LatencyMs,
    [property: Id(3)] string? Error)
{
    /// <summary>The endpoint took the event: it answered 2xx. (Not on the wire: the status says it.)</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>
/// One event sent to one endpoint. <see cref="Body"/> (the event's JSON) is kept while it is pending or dead, so it
/// can be sent again; <see cref="Attempts"/> keeps the last few attempts.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.Delivery")]
public sealed class Delivery
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public long Position { get; set; }
    [Id(2)] public string EventId { get; set; } = "";
    [Id(3)] public string EventType { get; set; } = "";

    /// <summary>The event's contract or account stream: deliveries of one stream go out one at a time, in order.</summary>
    [Id(4)] public string Stream { get; set; } = "";
    [Id(5)] public string? Body { get; set; }
    [Id(6)] public DeliveryStatus Status { get; set; }
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>After this, a failed attempt is the last: the delivery is dead.</summary>
    [Id(9)] public DateTimeOffset GiveUpAt { get; set; }
    [Id(10)] public int AttemptCount { get; set; }
    [Id(11)] public List<DeliveryAttempt> Attempts { get; set; } = [];
}
