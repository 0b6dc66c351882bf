using System.Net;

namespace Milestones.Tests.Api;

/// <summary>
/// A host of its own for the request metrics. On the shared one, which has served every other API test's requests by
/// then, the scrape once in several runs had no series for the route within 30 s; a metric keeps at most 2,000 series
/// (OpenTelemetry's cardinality limit, the rest going to one overflow series), which a late route may find full. If it
/// fails here, its message lists the series the scrape had.
/// </summary>
public sealed class RequestMetricsApiFactory : ApiFactory;

[CollectionDefinition(Name)]
public sealed class RequestMetricsCollection : ICollectionFixture<RequestMetricsApiFactory>
{
    public const string Name = "api-request-metrics";
}

[Collection(RequestMetricsCollection.Name)]
public sealed class RequestMetricsApiTests(RequestMetricsApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task Metrics_AreInPrometheusTextFormat_WithRequestMetrics()
    {
        // ASP.NET Core records a request's duration when the server disposes its context, which can come after the
        // client has read the answer (seconds later on a loaded machine), and only if its meter was listened to when the
        // request began (a fixture's first request may come before): ask and scrape until a request shows (bounded by
        // 30 s), as a scraper's next pass would.
        HttpResponseMessage response;
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await Client.GetAsync($"/v1/accounts/{ClientId}");
            response = await Platform.GetAsync("/metrics");
            text = await response.Content.ReadAsStringAsync();
            if (text.Contains("http_route=\"/v1/accounts/{userId}\"", StringComparison.Ordinal) || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("version=0.0.4", Assert.Single(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version").ToString());
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        var requests = text.Split('\n').Where(line => line.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal)).ToList();
        Assert.True(
            requests.Any(line => line.Contains("http_route=\"/v1/accounts/{userId}\"", StringComparison.Ordinal)),
            $"No series for GET /v1/accounts/{{userId}} among {requests.Count}:\n{string.Join('\n', requests.Take(40))}");
    }
}
