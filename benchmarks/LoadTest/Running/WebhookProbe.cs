using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Milestones.LoadTest.Http;
using Milestones.LoadTest.Metrics;

namespace Milestones.LoadTest.Running;

/// <summary>
/// <c>--webhook</c>: a receiver on a free loopback port (HttpListener: no web stack for one route) subscribed as one
/// webhook endpoint for every event. It answers each delivery 200 at once and records its lag, from the event's
/// <c>at</c> to its receipt (one clock: both run on this machine). At the end it waits for the deliveries to drain,
/// reports, and deletes the endpoint.
/// </summary>
internal sealed class WebhookProbe : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Latencies lag = new();
    private readonly ApiClient client;
    private readonly Party platform;
    private readonly Task serving;
    private long received;
    private long lastReceiptTicks;
    private string? id;

    private WebhookProbe(ApiClient client, Party platform, int port)
    {
        this.client = client;
        this.platform = platform;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public static async Task<WebhookProbe> StartAsync(ApiClient client, Party platform, CancellationToken cancellation)
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        var probe = new WebhookProbe(client, platform, port);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { url = $"http://127.0.0.1:{port}/", description = "load test" });
        var created = await client.SendAsync(HttpMethod.Post, "/v1/webhooks", platform.Authorization, body, null, readBody: true, cancellation);
        if (!created.Ok)
        {
            await probe.DisposeAsync();
            throw new RunFailedException($"--webhook: POST /v1/webhooks answered {created} (does the target allow local webhook targets?)");
        }

        probe.id = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetString();
        return probe;
    }

    /// <summary>Waits until no delivery has come for two seconds and none is pending (at most <paramref name="limit"/>); returns the summary line.</summary>
    public async Task<string> DrainAsync(TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + limit;
        var pending = -1L;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
            var view = await client.SendAsync(HttpMethod.Get, $"/v1/webhooks/{id}", platform.Authorization, null, null, readBody: true, cancellation);
            pending = view.Ok ? JsonDocument.Parse(view.Body).RootElement.GetProperty("pendingDeliveries").GetInt64() : -1;
            if (pending == 0 && DateTime.UtcNow.Ticks - Interlocked.Read(ref lastReceiptTicks) > TimeSpan.TicksPerSecond * 2)
            {
                break;
            }
        }

        var lags = lag.Snapshot();
        string Ms(double percentile) => (lags.GetValueAtPercentile(percentile) / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
        return $"webhook: {Interlocked.Read(ref received)} deliveries received; lag p50 {Ms(50)} ms, p99 {Ms(99)} ms, " +
            $"max {(lags.GetMaxValue() / 1e6).ToString("0.0", CultureInfo.InvariantCulture)} ms; {(pending < 0 ? "?" : pending.ToString(CultureInfo.InvariantCulture))} pending at the end";
    }

    public async ValueTask DisposeAsync()
    {
        if (id is not null)
        {
            await client.SendAsync(HttpMethod.Delete, $"/v1/webhooks/{id}", platform.Authorization, null, null, readBody: false, CancellationToken.None);
        }

        listener.Stop();
        listener.Close();
        try
        {
            await serving;
        }
        catch (ObjectDisposedException)
        {
        }
        catch (HttpListenerException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                var body = await reader.ReadToEndAsync();
                var at = JsonDocument.Parse(body).RootElement.GetProperty("at").GetDateTimeOffset();
                lag.Record((long)(DateTimeOffset.UtcNow - at).TotalNanoseconds);
            }

            Interlocked.Increment(ref received);
            Interlocked.Exchange(ref lastReceiptTicks, DateTime.UtcNow.Ticks);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
