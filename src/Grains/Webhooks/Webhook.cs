using System.Security.Cryptography;
using Milestones.Contracts;

namespace Milestones.Webhooks;

/// <summary>
/// The rules of one webhook endpoint: which events it takes from the feed, which of its deliveries may go out now
/// (the first pending one of each stream, when due: a stream's next event waits until the one before it is
/// delivered or dead), what an attempt's outcome does (delivered; or retried with exponential backoff and jitter
/// until <paramref name="retryFor"/> after the delivery was made, then dead), replay, a dead delivery retried by
/// hand, and secret rotation with an overlap.
/// </summary>
public sealed class Webhook(WebhookState state, TimeSpan retryFor)
{
    /// <summary>Deliveries pending at most; the endpoint reads no further into the feed until some are done.</summary>
    public const int MaxPending = 1000;

    /// <summary>Finished deliveries kept for the API: the last delivered ones and the dead ones.</summary>
    public const int KeepDelivered = 200;
    public const int KeepDead = 1000;

    public const int KeepAttempts = 10;

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>How long a rotated-out secret still signs.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public WebhookState State => state;

    public int Pending => state.Deliveries.Count(d => d.Status == DeliveryStatus.Pending);

    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public void Create(string id, string url, IReadOnlyList<string> types, string? description, long cursor, DateTimeOffset now)
    {
        state.Id = id;
        state.Url = url;
        state.Types = [.. types];
        state.Description = description;
        state.CreatedAt = now;
        state.Cursor = cursor;
        state.Secrets = [new WebhookSecret(NewSecret(), now)];
    }

    /// <summary>The secrets that sign now, newest first.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        [.. state.Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now).Select(s => s.Value)];

    /// <summary>A new secret signs from now on; the ones before it sign for <see cref="SecretOverlap"/> more.</summary>
    public string RotateSecret(DateTimeOffset now)
    {
        var secret = new WebhookSecret(NewSecret(), now);
        state.Secrets = [secret, .. state.Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now)
            .Select(s => s with { ExpiresAt = s.ExpiresAt ?? now + SecretOverlap })];
        return secret.Value;
    }

    /// <summary>A delivery for an event read from the feed at <paramref name="position"/>; the cursor moves past it.</summary>
    public void Take(long position, FeedEvent e, string stream, string body, DateTimeOffset now)
    {
        state.Deliveries.Add(new Delivery
        {
            Id = "d" + state.NextDelivery++,
            Position = position,
            EventId = e.Id,
            EventType = e.Type,
            Stream = stream,
            Body = body,
            CreatedAt = now,
            NextAttemptAt = now,
            GiveUpAt = now + retryFor,
        });
        state.Cursor = Math.Max(state.Cursor, position);
    }

    /// <summary>The deliveries that may go out now: the first pending one of each stream, if it is due; oldest first.</summary>
    public IReadOnlyList<Delivery> Due(DateTimeOffset now, int max)
    {
        var heads = new Dictionary<string, Delivery>(StringComparer.Ordinal);
        foreach (var delivery in state.Deliveries)
        {
            if (delivery.Status == DeliveryStatus.Pending)
            {
                heads.TryAdd(delivery.Stream, delivery);
            }
        }

        return [.. heads.Values.Where(d => d.NextAttemptAt <= now).OrderBy(d => d.NextAttemptAt).Take(max)];
    }

    /// <summary>When something is next due: the earliest retry of a stream's first pending delivery.</summary>
    public DateTimeOffset? NextAttempt() => Due(DateTimeOffset.MaxValue, int.MaxValue).Min(d => d.NextAttemptAt);

    /// <summary>
    /// An attempt's outcome: a 2xx delivers; anything else is retried after a backoff that doubles from
    /// <see cref="FirstRetry"/> up to <see cref="LongestRetry"/>, times a random factor in [0.5, 1.5), unless that
    /// is past the delivery's <see cref="Delivery.GiveUpAt"/>: then it is dead. A delivery no longer pending (replayed
    /// away, retried by hand) ignores it.
    /// </summary>
    public void Record(string deliveryId, DeliveryAttempt attempt, double jitter)
    {
        var delivery = state.Deliveries.Find(d => d.Id == deliveryId);
        if (delivery is not { Status: DeliveryStatus.Pending })
        {
            return;
        }

        delivery.AttemptCount++;
        delivery.Attempts.Add(attempt);
        if (delivery.Attempts.Count > KeepAttempts)
        {
            delivery.Attempts.RemoveAt(0);
        }

        if (attempt.Status is >= 200 and < 300)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.NextAttemptAt = null;
            delivery.Body = null;
        }
        else
        {
            var doubling = Math.Min(delivery.AttemptCount - 1, 20);
            var backoff = TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << doubling, LongestRetry.Ticks));
            var next = attempt.At + (backoff * (0.5 + jitter));
            (delivery.Status, delivery.NextAttemptAt) = next > delivery.GiveUpAt ? (DeliveryStatus.Dead, (DateTimeOffset?)null) : (DeliveryStatus.Pending, next);
        }

        Trim();
    }

    /// <summary>
    /// Sends the events after <paramref name="after"/> again: the pending deliveries after it are dropped, and the feed
    /// is read again from it. A position the endpoint has not read yet moves nothing: no event is skipped.
    /// </summary>
    public void Replay(long after)
    {
        state.Deliveries.RemoveAll(d => d.Status == DeliveryStatus.Pending && d.Position > after);
        state.Cursor = Math.Min(state.Cursor, after);
    }

    /// <summary>A dead delivery is tried again now, with retries for as long again; null if it is not dead.</summary>
    public Delivery? Retry(string deliveryId, DateTimeOffset now)
    {
        var delivery = state.Deliveries.Find(d => d.Id == deliveryId);
        if (delivery is not { Status: DeliveryStatus.Dead })
        {
            return null;
        }

        delivery.Status = DeliveryStatus.Pending;
        delivery.AttemptCount = 0;
        delivery.NextAttemptAt = now;
        delivery.GiveUpAt = now + retryFor;
        return delivery;
    }

    /// <summary>Keeps every pending delivery, the last <see cref="KeepDelivered"/> delivered and the last <see cref="KeepDead"/> dead.</summary>
    private void Trim()
    {
        Drop(DeliveryStatus.Delivered, KeepDelivered);
        Drop(DeliveryStatus.Dead, KeepDead);
    }

    private void Drop(DeliveryStatus status, int keep)
    {
        var extra = state.Deliveries.Count(d => d.Status == status) - keep;
        for (var i = 0; extra > 0 && i < state.Deliveries.Count;)
        {
            if (state.Deliveries[i].Status == status)
            {
                state.Deliveries.RemoveAt(i);
                extra--;
            }
            else
            {
                i++;
            }
        }
    }
}
