using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Milestones.Wakeups;
using Orleans.Concurrency;

namespace Milestones.Webhooks;

/// <summary>
/// One webhook endpoint, a pipeline while it is active: it reads the next events of its types from the feed (a
/// delivery each, in memory) whenever it has room for a page, keeps up to <see cref="Parallel"/> due deliveries in
/// flight (<see cref="Webhook.Due"/>: one at a time per contract or account), records each outcome as it comes and
/// sends the next without waiting for the slowest, and writes its state every <see cref="Poll"/> if anything was
/// recorded. Delivery is at least once: a crash after a send and before the write sends again (receivers deduplicate
/// by <c>Milestones-Event-Id</c>); the feed is read from the stored cursor, so nothing is skipped. Its row is always
/// due (<see cref="IScheduledState"/>), so after its silo is lost the wake-up scan brings it back on another one.
/// Reentrant, so that the API's calls are not held up by a slow target; every change is made synchronously and
/// written through one <see cref="CommitQueue"/>, and an outcome for a delivery replayed away meanwhile is ignored.
/// </summary>
[Reentrant]
internal sealed partial class WebhookGrain(
    [PersistentState(StorageLayout.Webhook, StorageLayout.Storage)] IPersistentState<WebhookState> store,
    IEventFeed feed,
    IWebhookSender sender,
    TimeProvider clock,
    IOptions<WebhooksOptions> options,
    ILogger<WebhookGrain> logger) : Grain, IWebhookGrain, IWakeable
{
    /// <summary>How often the endpoint looks for new events and due retries, and writes what it recorded.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Deliveries in flight at most (to different streams).</summary>
    public const int Parallel = 64;

    private const int PageSize = 250;

    private readonly HashSet<string> sending = new(StringComparer.Ordinal);
    private Webhook webhook = null!;
    private CommitQueue commits = null!;
    private IGrainTimer? timer;
    private bool reading;

    /// <summary>The last read found the feed's end: the next tick reads again.</summary>
    private bool caughtUp;

    /// <summary>Outcomes recorded since the last write.</summary>
    private bool recorded;

    private WebhookState State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        webhook = new Webhook(State, options.Value.RetryFor);
        commits = new CommitQueue(WriteAsync, DeactivateOnIdle);
        if (State.Exists)
        {
            Start();
        }

        return Task.CompletedTask;
    }

    /// <summary>Outcomes recorded since the last tick are stored on the way out (after a crash they are sent again).</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveRecordedAsync();

    /// <summary>
    /// Makes the endpoint. Its id is derived from the platform's idempotency key if it sent one (the API's
    /// <see cref="GrainKeys.Created"/>), so a retry reaches this grain again: the same request replays the first answer
    /// (its secret included) for a day; another one under the key is refused.
    /// </summary>
    public async Task<Outcome<WebhookView>> CreateAsync(Caller caller, NewWebhook request, string? idempotencyKey = null)
    {
        if (PlatformOnly(caller, "manage webhooks") is { } notPlatform)
        {
            return notPlatform;
        }

        var fingerprint = Fingerprint.Of("CreateWebhook", new { caller, request });
        if (State.Id.Length > 0)
        {
            return await ExistingAsync(idempotencyKey, fingerprint);
        }

        var types = request.Types ?? [];
        var error = Validate.All(
            WebhookTargets.Refusal(request.Url, options.Value.AllowPrivateTargets) is { } refusal ? Errors.Invalid("invalid_webhook_url", "url", refusal) : null,
            types.Count > 50 || types.Any(t => !FeedEvents.IsTypeName(t))
                ? Errors.Invalid("invalid_type", "types", "types must be at most 50 event types (such as milestone.funded).")
                : null,
            Validate.Text(request.Description, "description", Webhook.MaxDescriptionLength, required: false));
        if (error is not null)
        {
            return error;
        }

        var registry = GrainFactory.GetGrain<IWebhookRegistryGrain>(0);
        if ((await registry.ListAsync()).Count >= WebhookRegistryGrain.MaxEndpoints)
        {
            return new Error(ErrorKind.Conflict, "too_many_webhooks", $"The platform has {WebhookRegistryGrain.MaxEndpoints} webhooks already.");
        }

        // Listed first: a listed id whose endpoint was never stored is skipped by the list.
        await registry.AddAsync(this.GetPrimaryKeyString());
        var head = (await feed.ReadAsync(long.MaxValue - 1, 1, null, CancellationToken.None)).Head;

        // From here on one synchronous step: a retry racing this one may have made the endpoint meanwhile.
        if (State.Id.Length > 0)
        {
            return await ExistingAsync(idempotencyKey, fingerprint);
        }

        webhook.Create(this.GetPrimaryKeyString(), request.Url, [.. types.Distinct(StringComparer.Ordinal)], request.Description, head, clock.GetUtcNow());
        var answer = View() with { Secret = State.Secrets[0].Value };
        if (idempotencyKey is not null)
        {
            IdempotencyKeys.Remember(State.Keys, new IdempotencyRecord(idempotencyKey, fingerprint, null, State.CreatedAt));
            State.CreatedAnswer = answer;
        }

        await commits.Changed();
        Start();
        return Outcome<WebhookView>.Ok(answer);
    }

    /// <summary>A create of an endpoint that exists: the replay of its keyed create, once that is durable; else a refusal.</summary>
    private async Task<Outcome<WebhookView>> ExistingAsync(string? idempotencyKey, string fingerprint)
    {
        var (known, reused) = IdempotencyKeys.Lookup(State.Keys, idempotencyKey, fingerprint);
        if (reused is not null)
        {
            return reused;
        }

        if (known is null || State.CreatedAnswer is not { } first)
        {
            return new Error(ErrorKind.Conflict, "webhook_already_exists", "A webhook with this id already exists.");
        }

        await commits.Durable();
        return new Outcome<WebhookView>(first, null, Replayed: true);
    }

    public async Task<Outcome<WebhookView>> GetAsync(Caller caller)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        await Saved();
        return Outcome<WebhookView>.Ok(View());
    }

    public async Task<Outcome<WebhookView>> DeleteAsync(Caller caller)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        State.Deleted = true;
        timer?.Dispose();
        timer = null;
        await commits.Changed();
        await GrainFactory.GetGrain<IWebhookRegistryGrain>(0).RemoveAsync(State.Id);
        return Outcome<WebhookView>.Ok(View());
    }

    public async Task<Outcome<WebhookView>> RotateSecretAsync(Caller caller)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        var secret = webhook.RotateSecret(clock.GetUtcNow());
        await commits.Changed();
        return Outcome<WebhookView>.Ok(View() with { Secret = secret });
    }

    public async Task<Outcome<WebhookView>> ReplayAsync(Caller caller, string after)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return Errors.InvalidCursor("after");
        }

        webhook.Replay(position);
        await commits.Changed();
        return Outcome<WebhookView>.Ok(View());
    }

    public async Task<Outcome<DeliveryPage>> GetDeliveriesAsync(Caller caller, DeliveryStatus? status, long after, int limit)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        await Saved();
        limit = Math.Clamp(limit, 1, 500);
        var page = webhook.All().Where(d => Webhook.Number(d) > after && (status is null || d.Status == status)).Take(limit + 1).ToList();
        return Outcome<DeliveryPage>.Ok(new DeliveryPage(
            [.. page.Take(limit).Select(DeliveryView.From)], page.Count > limit ? Webhook.Number(page[limit - 1]) : null));
    }

    public async Task<Outcome<DeliveryView>> RetryAsync(Caller caller, string deliveryId)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        if (webhook.Retry(deliveryId, clock.GetUtcNow()) is not { } delivery)
        {
            return webhook.Find(deliveryId) is not null
                ? new Error(ErrorKind.Conflict, "delivery_not_dead", "Only a dead delivery can be retried.")
                : new Error(ErrorKind.NotFound, "delivery_not_found", $"No delivery '{deliveryId}' on this webhook.");
        }

        await commits.Changed();
        return Outcome<DeliveryView>.Ok(DeliveryView.From(delivery));
    }

    /// <summary>Woken by the scan (after its silo was lost, or while idle): the pipeline goes on.</summary>
    public Task WakeAsync()
    {
        if (State.Exists)
        {
            Start();
        }

        return Task.CompletedTask;
    }

    private void Start() =>
        timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Poll) { KeepAlive = true, Interleave = false });

    private Task TickAsync()
    {
        caughtUp = false;
        Pump();
        return SaveRecordedAsync();
    }

    private async Task SaveRecordedAsync()
    {
        try
        {
            await Saved();
        }
        catch (Exception ex)
        {
            LogWriteFailed(ex, State.Id);
        }
    }

    /// <summary>Completes when every outcome recorded so far is stored (answers never show what is not).</summary>
    private Task Saved()
    {
        if (!recorded)
        {
            return commits.Durable();
        }

        recorded = false;
        return commits.Changed();
    }

    /// <summary>Reads on if there is room for a page, and sends what is due while fewer than half the slots are busy.</summary>
    private void Pump()
    {
        if (!State.Exists)
        {
            return;
        }

        if (!reading && !caughtUp && Webhook.MaxPending - webhook.Pending >= PageSize)
        {
            _ = ReadAsync();
        }

        if (sending.Count > Parallel / 2)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var due = webhook.Due(now, Parallel - sending.Count, sending);
        if (due.Count > 0)
        {
            // All marked first: a send that completes at once records and pumps again before the loop goes on.
            sending.UnionWith(due.Select(d => d.Id));
            var secrets = webhook.SigningSecrets(now);
            foreach (var delivery in due)
            {
                _ = SendAsync(delivery, secrets);
            }
        }
    }

    private async Task ReadAsync()
    {
        reading = true;
        try
        {
            var after = webhook.ReadThrough;
            var read = await feed.ReadAsync(after, PageSize, State.Types.Count > 0 ? State.Types : null, CancellationToken.None);
            var now = clock.GetUtcNow();
            // A replay while the page was read moved the reading back: this page is read again.
            if (after == webhook.ReadThrough && State.Exists)
            {
                foreach (var (position, body) in read.Events)
                {
                    var e = FeedEvents.Parse(body);
                    webhook.Take(position, e, FeedEvents.StreamOf(e), body, now);
                }

                webhook.ReadTo(read.ReadThrough(after, PageSize));
            }

            caughtUp = read.Events.Count < PageSize;
        }
        catch (Exception ex)
        {
            caughtUp = true;
            LogReadFailed(ex, State.Id);
        }
        finally
        {
            reading = false;
        }

        Pump();
    }

    /// <summary>One attempt; its outcome is recorded in memory (stored by the next tick) and frees its stream.</summary>
    private async Task SendAsync(Delivery delivery, IReadOnlyList<string> secrets)
    {
        DeliveryAttempt attempt;
        try
        {
            attempt = await sender.SendAsync(State.Url, delivery.EventId, delivery.Body!, secrets, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogSendFailed(ex, State.Id, delivery.EventId);
            return;
        }
        finally
        {
            sending.Remove(delivery.Id);
        }

        webhook.Record(delivery.Id, attempt, Random.Shared.NextDouble());
        MilestonesMetrics.WebhookAttempted(attempt.Delivered);
        recorded = true;
        Pump();
    }

    /// <summary>The row is always due while the endpoint exists: the wake-up scan keeps it running wherever it lives.</summary>
    private Task WriteAsync()
    {
        State.WakeAt = State.Exists ? clock.GetUtcNow() + Poll : null;
        if (State.CreatedAnswer is not null && clock.GetUtcNow() - State.CreatedAt > IdempotencyKeys.Retention)
        {
            (State.CreatedAnswer, State.Keys) = (null, []);
        }

        return store.WriteStateAsync();
    }

    private WebhookView View() => new(
        State.Id, State.Url, State.Types, State.Description, State.CreatedAt, webhook.ReadThrough.ToString(CultureInfo.InvariantCulture),
        webhook.Pending, State.Deliveries.Count(d => d.Status == DeliveryStatus.Dead));

    private static Error? PlatformOnly(Caller caller, string action) => caller.IsPlatform ? null : Errors.PlatformOnly(action);

    private Error? Visible(Caller caller) =>
        PlatformOnly(caller, "manage webhooks") ?? (State.Exists ? null : new Error(ErrorKind.NotFound, "webhook_not_found", "No such webhook."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} could not read the event feed; the next tick tries again")]
    private partial void LogReadFailed(Exception exception, string webhookId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} could not send {EventId}; it stays due")]
    private partial void LogSendFailed(Exception exception, string webhookId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} could not write its deliveries; it reloads and sends again from its stored state")]
    private partial void LogWriteFailed(Exception exception, string webhookId);
}
