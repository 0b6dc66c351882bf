using System.Globalization;
using System.Security.Cryptography;
using Milestones.Contracts;

namespace Milestones.Webhooks;

/// <summary>
/// The rules of one webhook endpoint: which events it takes from the feed, which of its deliveries may go out now
/// (the first pending one of each stream, when due: a stream's next event waits until the one before it is
/// delivered or dead), what an attempt's outcome does (delivered; or retried with exponential backoff and jitter
/// until <paramref name="retryFor"/> after the delivery was made, then dead), replay, a dead delivery retried by
/// hand, and secret rotation with an overlap.
/// A delivery never attempted is kept in memory only (<see cref="Queued"/>): the stored cursor stays before the first
/// of them, so after a crash they are read from the feed again. Once attempted, a delivery is stored (its body only
/// while it may be sent again). So an endpoint that keeps up writes its cursor and a short list per round, not the
/// events it is about to send.
/// </summary>
public sealed class Webhook(WebhookState state, TimeSpan retryFor)
{
    /// <summary>Deliveries pending at most; the endpoint reads no further into the feed until some are done.</summary>
    public const int MaxPending = 1000;

    /// <summary>Finished deliveries kept for the API: the last delivered ones and the dead ones.</summary>
    public const int KeepDelivered = 100;
    public const int KeepDead = 1000;

    public const int KeepAttempts = 10;

    /// <summary>An endpoint's description is free text (<see cref="Domain.Validate.Text"/>) of at most this many characters.</summary>
    public const int MaxDescriptionLength = 500;

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>How long a rotated-out secret still signs.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    private long readThrough = state.Cursor;

    public WebhookState State => state;

    /// <summary>Deliveries taken from the feed and not attempted yet, in feed order (in memory only).</summary>
    public List<Delivery> Queued { get; } = [];

    public int Pending => Queued.Count + state.Deliveries.Count(d => d.Status == DeliveryStatus.Pending);

    /// <summary>The feed position read through: the next read starts after it.</summary>
    public long ReadThrough => readThrough;

    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public void Create(string id, string url, IReadOnlyList<string> types, string? description, long cursor, DateTimeOffset now)
    {
        state.Id = id;
        state.Url = url;
        state.Types = [.. types];
        state.Description = description;
        state.CreatedAt = now;
        state.Cursor = readThrough = cursor;
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

    /// <summary>A delivery for an event read from the feed at <paramref name="position"/>; the reading moves past it.</summary>
    public void Take(long position, FeedEvent e, string stream, string body, DateTimeOffset now)
    {
        Queued.Add(new Delivery
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
        ReadTo(position);
    }

    /// <summary>The feed was read through <paramref name="position"/> (past events of types the endpoint does not take).</summary>
    public void ReadTo(long position)
    {
        readThrough = Math.Max(readThrough, position);
        StoreCursor();
    }

    /// <summary>
    /// The deliveries that may go out now: the first pending one of each stream, if it is due and not being sent
    /// (<paramref name="sending"/>: its stream waits for that attempt's outcome); oldest first. Called on every
    /// outcome, so it stops reading the queue once it has <paramref name="max"/> from it: the queue is in feed order and
    /// was read in that order, so a later queued head is never older than those.
    /// </summary>
    public IReadOnlyList<Delivery> Due(DateTimeOffset now, int max, IReadOnlySet<string>? sending = null)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var due = new List<Delivery>();
        bool Head(Delivery d) => streams.Add(d.Stream) && d.NextAttemptAt <= now && sending?.Contains(d.Id) != true;
        foreach (var delivery in state.Deliveries.Where(d => d.Status == DeliveryStatus.Pending).OrderBy(d => d.Position))
        {
            if (Head(delivery))
            {
                due.Add(delivery);
            }
        }

        var queued = 0;
        for (var i = 0; i < Queued.Count && queued < max; i++)
        {
            if (Head(Queued[i]))
            {
                due.Add(Queued[i]);
                queued++;
            }
        }

        return [.. due.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Position).Take(max)];
    }

    /// <summary>A delivery by id: attempted (stored) or queued.</summary>
    public Delivery? Find(string deliveryId) => state.Deliveries.Find(d => d.Id == deliveryId) ?? Queued.Find(d => d.Id == deliveryId);

    /// <summary>
    /// An attempt's outcome: a 2xx delivers; anything else is retried after a backoff that doubles from
    /// <see cref="FirstRetry"/> up to <see cref="LongestRetry"/>, times a random factor in [0.5, 1.5), unless that
    /// is past the delivery's <see cref="Delivery.GiveUpAt"/>: then it is dead. A delivery no longer pending (replayed
    /// away, retried by hand) ignores it.
    /// </summary>
    public void Record(string deliveryId, DeliveryAttempt attempt, double jitter)
    {
        var delivery = Find(deliveryId);
        if (delivery is not { Status: DeliveryStatus.Pending })
        {
            return;
        }

        if (Queued.Remove(delivery))
        {
            state.Deliveries.Add(delivery);
            StoreCursor();
        }

        delivery.AttemptCount++;
        delivery.Attempts.Add(attempt);
        if (delivery.Attempts.Count > KeepAttempts)
        {
            delivery.Attempts.RemoveAt(0);
        }

        if (attempt.Delivered)
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
        Queued.RemoveAll(d => d.Position > after);
        readThrough = Math.Min(readThrough, after);
        StoreCursor();
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

    /// <summary>Every delivery, in the order made: the stored ones and the queued ones.</summary>
    public IEnumerable<Delivery> All() => state.Deliveries.Concat(Queued).OrderBy(Number);

    /// <summary>A delivery's number: <c>d17</c> is 17.</summary>
    public static long Number(Delivery delivery) => long.Parse(delivery.Id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The stored cursor: before the first queued delivery (those are read again after a crash), else all that was read.</summary>
    private void StoreCursor() => state.Cursor = Queued.Count > 0 ? Queued[0].Position - 1 : readThrough;

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
