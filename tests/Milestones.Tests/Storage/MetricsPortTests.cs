using System.Globalization;
using System.Net;

namespace Milestones.Tests.Storage;

/// <summary>The API's process with <c>Metrics:Port</c>: a port that serves the scrape without a token and nothing else.</summary>
public sealed class MetricsPortTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The API's own address given as URLs (--urls) or, as the runtime images do, as HTTP ports.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheMetricsPort_ServesMetricsWithoutAToken_AndNothingElse_WhileTheApisOwnStillAsksForOne(bool httpPorts)
    {
        var ports = FreePorts.Take(4).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "Memory",
            ["Orleans__SiloPort"] = ports[0],
            ["Orleans__GatewayPort"] = ports[1],
            ["Metrics__Port"] = ports[3],
        };
        if (httpPorts)
        {
            environment["ASPNETCORE_HTTP_PORTS"] = ports[2];
        }

        using var api = httpPorts ? SiloProcess.StartApi(environment) : SiloProcess.StartApi(environment, "--urls", $"http://127.0.0.1:{ports[2]}");
        await api.WaitForOutputAsync("Milestones API listening", TimeSpan.FromSeconds(60));
        var (apiUrl, metricsUrl) = ($"http://127.0.0.1:{ports[2]}", $"http://127.0.0.1:{ports[3]}");

        using var scrape = await Http.GetAsync(metricsUrl + "/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var path in new[] { "/v1/contracts", "/health/ready", "/metrics/x" })
        {
            using var other = await Http.GetAsync(metricsUrl + path);
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Contains("\"code\":\"not_found\"", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(apiUrl + "/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(apiUrl + "/health/live")).StatusCode);
    }
}
