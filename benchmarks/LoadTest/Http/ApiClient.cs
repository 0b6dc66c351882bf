using System.Net;
using System.Net.Http.Headers;

namespace Milestones.LoadTest.Http;

/// <summary>
/// The one <see cref="HttpClient"/> of a run: HTTP/1.1 over a pooled <see cref="SocketsHttpHandler"/> with enough
/// connections for every worker, no proxy, no cookies, no redirects. Every call returns a <see cref="CallResult"/>;
/// only cancellation of the run itself throws.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public ApiClient(Uri target, int maxConnections, TimeSpan requestTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = target,
            Timeout = requestTimeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <param name="authorization">The whole header value (<c>Bearer …</c>), or null for none.</param>
    /// <param name="readBody">Keep a successful response's body (error bodies are always read for their code).</param>
    public async Task<CallResult> SendAsync(
        HttpMethod method, string path, string? authorization, byte[]? body, string? idempotencyKey, bool readBody, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellation);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new CallResult(status, null, readBody ? await response.Content.ReadAsByteArrayAsync(cancellation) : null);
            }

            var problem = await response.Content.ReadAsByteArrayAsync(cancellation);
            return new CallResult(status, ProblemCode.Read(problem) ?? $"http_{status}", problem, response.Headers.RetryAfter?.Delta);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return CallResult.Failed("timeout");
        }
        catch (HttpRequestException e)
        {
            return CallResult.Failed($"http_request_error:{e.HttpRequestError}");
        }
    }

    public void Dispose() => _http.Dispose();
}
