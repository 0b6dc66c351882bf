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
/// One webhook endpoint. While active it runs rounds every <see cref="Poll"/>: it takes the next events of its types
/// from the feed (a delivery each, in memory), sends what is due (<see cref="Webhook.Due"/>: one at a time per
/// contract or account, up to <see cref="Parallel"/> at once) and records the outcomes, then writes its state. Delivery is at least once: a crash after a send and before the write sends again (receivers deduplicate by
/// <c>Milestones-Event-Id</c>); the feed is read from the stored cursor, so nothing is skipped. Its row is always
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
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Deliveries sent at once (to different streams).</summary>
    public const int Parallel = 64;

    private const int PageSize = 200;

    /// <summary>Rounds in a row while there is work, before the next tick.</summary>
    private const int MaxRounds = 20;

    private Webhook webhook = null!;
    private CommitQueue commits = null!;
    private IGrainTimer? timer;
    private bool running;

    private WebhookState State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        webhook = new Webhook(State, options.Value.RetryFor);
        commits = new CommitQueue(WriteAsync, DeactivateOnIdle);
        if (State.Exists)
        {
            StartRounds();
        }

        return Task.CompletedTask;
    }

    public async Task<Outcome<WebhookView>> CreateAsync(Caller caller, NewWebhook request)
    {
        if (PlatformOnly(caller, "manage webhooks") is { } notPlatform)
        {
            return notPlatform;
        }

        if (State.Id.Length > 0)
        {
            return new Error(ErrorKind.Conflict, "webhook_already_exists", "A webhook with this id already exists.");
        }

        var types = request.Types ?? [];
        var error = WebhookTargets.Refusal(request.Url, options.Value.AllowPrivateTargets) is { } refusal
            ? Errors.Invalid("invalid_webhook_url", "url", refusal)
            : types.Count > 50 || types.Any(t => !FeedEvents.IsTypeName(t))
                ? Errors.Invalid("invalid_type", "types", "types must be at most 50 event types (such as milestone.funded).")
                : request.Description?.Length > 500
                    ? Errors.Invalid("description_too_long", "description", "description is at most 500 characters.")
                    : null;
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
        await feed.PositionAllAsync();
        var head = (await feed.ReadAsync(long.MaxValue - 1, 1, null, CancellationToken.None)).Head;
        webhook.Create(this.GetPrimaryKeyString(), request.Url, [.. types.Distinct(StringComparer.Ordinal)], request.Description, head, clock.GetUtcNow());
        await commits.Changed();
        StartRounds();
        return Outcome<WebhookView>.Ok(View() with { Secret = State.Secrets[0].Value });
    }

    public async Task<Outcome<WebhookView>> GetAsync(Caller caller)
    {
        if (Visible(caller) is { } hidden)
        {
            return hidden;
        }

        await commits.Durable();
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

        await commits.Durable();
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

    /// <summary>Woken by the scan (after its silo was lost, or while idle): the rounds go on.</summary>
    public Task WakeAsync()
    {
        if (State.Exists)
        {
            StartRounds();
        }

        return Task.CompletedTask;
    }

    private void StartRounds() =>
        timer ??= this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Poll) { KeepAlive = true, Interleave = false });

    private async Task RunAsync()
    {
        if (running || !State.Exists)
        {
            return;
        }

        running = true;
        try
        {
            for (var round = 0; round < MaxRounds && State.Exists && await RoundAsync(); round++)
            {
            }
        }
        catch (Exception ex)
        {
            LogRoundFailed(ex, State.Id);
        }
        finally
        {
            running = false;
        }
    }

    /// <summary>One round; true if it did anything (there may be more).</summary>
    private async Task<bool> RoundAsync()
    {
        var taken = 0;
        var room = Webhook.MaxPending - webhook.Pending;
        if (room > 0)
        {
            await feed.PositionAllAsync();
            var after = webhook.ReadThrough;
            var read = await feed.ReadAsync(after, Math.Min(PageSize, room), State.Types.Count > 0 ? State.Types : null, CancellationToken.None);
            var now = clock.GetUtcNow();
            // A replay while the page was read moved the reading back: this page is read again.
            foreach (var (position, body) in after == webhook.ReadThrough ? read.Events : [])
            {
                var e = FeedEvents.Parse(body);
                webhook.Take(position, e, FeedEvents.StreamOf(e), body, now);
                taken++;
            }
        }

        var due = webhook.Due(clock.GetUtcNow(), Parallel);
        if (due.Count > 0)
        {
            var secrets = webhook.SigningSecrets(clock.GetUtcNow());
            var attempts = await Task.WhenAll(due.Select(d => sender.SendAsync(State.Url, d.EventId, d.Body!, secrets, CancellationToken.None)));
            for (var i = 0; i < due.Count; i++)
            {
                webhook.Record(due[i].Id, attempts[i], Random.Shared.NextDouble());
            }
        }

        // What was only taken is not written: the stored cursor stays before it (see Webhook).
        if (due.Count > 0)
        {
            await commits.Changed();
        }

        return taken + due.Count > 0;
    }

    /// <summary>The row is always due while the endpoint exists: the wake-up scan keeps it running wherever it lives.</summary>
    private Task WriteAsync()
    {
        State.WakeAt = State.Exists ? clock.GetUtcNow() + Poll : null;
        return store.WriteStateAsync();
    }

    private WebhookView View() => new(
        State.Id, State.Url, State.Types, State.Description, State.CreatedAt, webhook.ReadThrough.ToString(CultureInfo.InvariantCulture),
        webhook.Pending, State.Deliveries.Count(d => d.Status == DeliveryStatus.Dead));

    private static Error? PlatformOnly(Caller caller, string action) => caller.IsPlatform ? null : Errors.PlatformOnly(action);

    private Error? Visible(Caller caller) =>
        PlatformOnly(caller, "manage webhooks") ?? (State.Exists ? null : new Error(ErrorKind.NotFound, "webhook_not_found", "No such webhook."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivery round of webhook {WebhookId} failed; the next tick goes on from the stored state")]
    private partial void LogRoundFailed(Exception exception, string webhookId);
}
