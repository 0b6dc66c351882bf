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

/// <summary>Which webhook targets are acceptable: http(s) URLs, and (unless allowed) no private, loopback or link-local address.</summary>
public static class WebhookTargets
{
    /// <summary>Null if <paramref name="url"/> may be a target; else why not.</summary>
    public static string? Refusal(string url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2048)
        {
            return "url must be an absolute http or https URL of at most 2048 characters.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "url must not carry credentials or a fragment.";
        }

        // A host may end with the root's dot ("localhost.", "127.0.0.1."): the Uri takes it for a name.
        var host = uri.IdnHost.TrimEnd('.');
        var privateName = IPAddress.TryParse(host, out var address)
            ? !IsPublic(address)
            : host is "localhost" || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return privateName && !allowPrivate ? "url must not point at a private, loopback or link-local address." : null;
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }
}
