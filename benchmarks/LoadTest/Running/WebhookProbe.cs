using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Results;

namespace Milestones.LoadTest.Running;

/// <summary>
/// <c>--webhook</c>: a receiver on a free loopback port subscribed as one webhook endpoint for every event. It answers
/// each delivery 200 at once and records its lag, from the event's <c>at</c> to its receipt (one clock: both run on
/// this machine). At the end it waits for the deliveries to drain, reports, and deletes the endpoint. The receiver is
/// Kestrel, the cheapest HTTP server at hand: it shares this machine's cores with the system it measures, and
/// HttpListener (its first version) spent several times the CPU per delivery.
/// </summary>
internal sealed class WebhookProbe : IAsyncDisposable
{
    private readonly WebApplication receiver;
    private readonly Latencies lag = new();
    private readonly ApiClient client;
    private readonly Party platform;
    private long received;
    private long firstReceiptTicks;
    private long lastReceiptTicks;
    private string? id;

    private WebhookProbe(ApiClient client, Party platform)
    {
        this.client = client;
        this.platform = platform;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver = builder.Build();
        receiver.MapPost("/", ReceiveAsync);
    }

    public static async Task<WebhookProbe> StartAsync(ApiClient client, Party platform, TextWriter progress, CancellationToken cancellation)
    {
        var started = Stopwatch.StartNew();
        var probe = new WebhookProbe(client, platform);
        await probe.receiver.StartAsync(cancellation);
        var url = probe.receiver.Urls.Single();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { url = url + "/", description = "load test" });
        var created = await client.SendAsync(HttpMethod.Post, "/v1/webhooks", platform.Authorization, body, null, readBody: true, cancellation);
        if (!created.Ok)
        {
            await probe.DisposeAsync();
            throw new RunFailedException($"--webhook: POST /v1/webhooks answered {created} (does the target allow local webhook targets?)");
        }

        using (var json = JsonDocument.Parse(created.Body))
        {
            probe.id = json.RootElement.GetProperty("id").GetString();
        }

        // Creating an endpoint positions the feed's whole backlog first: the time it took says how large that was.
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"webhook: {probe.id} subscribed to every event in {started.Elapsed.TotalSeconds:0.0} s, receiver at {url}"));
        return probe;
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the endpoint has nothing pending and has read the whole feed (no
    /// event after its cursor), then for two seconds without a delivery; returns what was received.
    /// </summary>
    public async Task<WebhookResult> DrainAsync(TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + limit;
        var pending = -1L;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
            var view = await client.SendAsync(HttpMethod.Get, $"/v1/webhooks/{id}", platform.Authorization, null, null, readBody: true, cancellation);
            string? cursor;
            using (var json = view.Ok ? JsonDocument.Parse(view.Body) : null)
            {
                pending = json?.RootElement.GetProperty("pendingDeliveries").GetInt64() ?? -1;
                cursor = json?.RootElement.GetProperty("cursor").GetString();
            }

            if (pending == 0 && cursor is not null && await FeedReadAsync(cursor, cancellation)
                && DateTime.UtcNow.Ticks - Interlocked.Read(ref lastReceiptTicks) > TimeSpan.TicksPerSecond * 2)
            {
                break;
            }
        }

        var lags = LatencySummary.From(lag.Snapshot());
        var count = Interlocked.Read(ref received);
        var span = TimeSpan.FromTicks(Interlocked.Read(ref lastReceiptTicks) - Interlocked.Read(ref firstReceiptTicks)).TotalSeconds;
        return new WebhookResult(count, Math.Round(span > 0 ? count / span : 0, 1), lags.P50Ms, lags.P99Ms, lags.MaxMs, pending < 0 ? null : pending);
    }

    /// <summary>Whether the feed has no event after <paramref name="cursor"/>.</summary>
    private async Task<bool> FeedReadAsync(string cursor, CancellationToken cancellation)
    {
        var page = await client.SendAsync(HttpMethod.Get, $"/v1/events?after={cursor}&limit=1", platform.Authorization, null, null, readBody: true, cancellation);
        using var json = page.Ok ? JsonDocument.Parse(page.Body) : null;
        return json?.RootElement.GetProperty("items").GetArrayLength() == 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (id is not null)
        {
            await client.SendAsync(HttpMethod.Delete, $"/v1/webhooks/{id}", platform.Authorization, null, null, readBody: false, CancellationToken.None);
        }

        await receiver.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var receipt = DateTimeOffset.UtcNow;
        using (var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
        {
            lag.Record((long)(receipt - json.RootElement.GetProperty("at").GetDateTimeOffset()).TotalNanoseconds);
        }

        Interlocked.Increment(ref received);
        Interlocked.CompareExchange(ref firstReceiptTicks, receipt.UtcTicks, 0);
        Interlocked.Exchange(ref lastReceiptTicks, receipt.UtcTicks);
    }
}
