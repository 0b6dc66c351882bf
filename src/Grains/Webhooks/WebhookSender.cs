using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Milestones.Webhooks;

/// <summary>Sends one delivery; never throws for the target's failures (they are the attempt's outcome).</summary>
public interface IWebhookSender
{
    Task<DeliveryAttempt> SendAsync(string url, string eventId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken);
}

/// <summary>The <c>Webhooks</c> configuration section.</summary>
public sealed class WebhooksOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether targets may be private, loopback or link-local addresses (true in Development only: tests and the walkthrough use a local receiver).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long a delivery is retried before it is dead (default 3 days).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>
/// POSTs the event's JSON with its id and signature headers, within <see cref="Timeout"/>. The address checks apply
/// to every address a connection is made to (after DNS), so a name that resolves to a private address later is
/// refused too.
/// </summary>
public sealed class WebhookSender : IWebhookSender, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient http;
    private readonly TimeProvider clock;

    public WebhookSender(IOptions<WebhooksOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        var allowPrivate = options.Value.AllowPrivateTargets;
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
                var allowed = addresses.Where(a => allowPrivate || WebhookTargets.IsPublic(a)).ToArray();
                if (allowed.Length == 0)
                {
                    throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no address a webhook may be sent to.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            Timeout = Timeout,
        };
    }

    public async Task<DeliveryAttempt> SendAsync(string url, string eventId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        // Encoded once: the bytes signed are the bytes sent.
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        // Our own values, valid by construction: parsing them again per delivery costs CPU on every send.
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, eventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(at.ToUnixTimeSeconds(), bytes, secrets));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new DeliveryAttempt(at, status, watch.ElapsedMilliseconds, response.IsSuccessStatusCode ? null : $"HTTP {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            var error = ex is TaskCanceledException && !cancellationToken.IsCancellationRequested ? $"No answer within {Timeout.TotalSeconds:0} s" : ex.Message;
            return new DeliveryAttempt(at, null, watch.ElapsedMilliseconds, error);
        }
    }

    public void Dispose() => http.Dispose();
}
