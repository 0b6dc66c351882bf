using Milestones.Silo;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Milestones.Silo.Storage;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>The API process's OpenTelemetry over OTLP, and its console logs: quiet by default, JSON by a setting.</summary>
[Collection(SerialStorageCollection.Name)]
public sealed class TelemetryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TestStore store = null!;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task WithAnOtlpEndpoint_ARequestIsOneTrace_ThroughTheGrainCalls_ToTheirStorageWrites_AndNpgsqlIsTraced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        var environment = Environment();
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        using var api = SiloProcess.StartApi(environment, "--urls", url);
        await api.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(2));

        var platform = await TokenAsync(url, "marketplace", platform: true);
        using var deposit = new HttpRequestMessage(HttpMethod.Post, url + "/v1/accounts/alice/deposits")
        {
            Content = JsonContent.Create(new { amount = 100, currency = "USD", reference = "pi_" + Guid.NewGuid().ToString("N") }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", platform) },
        };
        (await Http.SendAsync(deposit)).EnsureSuccessStatusCode();

        OtlpReceiver.Span? server = null;
        List<OtlpReceiver.Span> trace = [];
        for (var i = 0; i < 60 && !(trace.Any(s => s.Scope == "Microsoft.Orleans.Storage") && receiver.Spans.Any(s => s.Scope == "Npgsql")); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            server = receiver.Spans.FirstOrDefault(s => s.Name == "POST /v1/accounts/{userId}/deposits");
            trace = server is null ? [] : receiver.Spans.Where(s => s.TraceId == server.TraceId).ToList();
        }

        output.WriteLine(string.Join("\n", trace.Select(s => $"{s.Scope}: {s.Name} ({s.SpanId} <- {s.ParentId})")));
        Assert.NotNull(server);
        Assert.Equal("Microsoft.AspNetCore", server.Scope);
        var grainCall = Assert.Single(trace, s => s.Scope == "Microsoft.Orleans.Application" && s.ParentId == server.SpanId);
        Assert.Contains("IAccountGrain", grainCall.Name, StringComparison.Ordinal);
        Assert.Contains(trace, s => s.Scope == "Microsoft.Orleans.Storage" && s.Name == "write storage");
        // The group-commit storage writes a batch of grains' states in one statement on its own loop, so the Npgsql
        // spans are traces of their own, not children of one request.
        Assert.Contains(receiver.Spans, s => s.Scope == "Npgsql");
        Assert.DoesNotContain(receiver.Spans, s => s.Name.Contains("/health", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ByDefault_LogsAreQuiet_OneLinePerRequest_AndJsonByASetting_WithTimeAndTrace()
    {
        foreach (var json in new[] { false, true })
        {
            var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
            var environment = Environment();
            if (json)
            {
                environment["Logging__Console__FormatterName"] = "json";
            }

            using var api = SiloProcess.StartApi(environment, "--urls", url);
            await api.WaitForOutputAsync("Milestones API listening", TimeSpan.FromMinutes(2));
            var atStart = Lines(api.StandardOutput);
            var token = await TokenAsync(url, "alice", platform: false);
            for (var i = 0; i < 20; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url + "/v1/accounts/alice") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
                (await Http.SendAsync(request)).EnsureSuccessStatusCode();
            }

            // The console logger writes in order: once the last request's line is out, so are the others.
            (await Http.GetAsync(url + "/health/live")).EnsureSuccessStatusCode();
            await api.WaitForOutputAsync("/health/live", TimeSpan.FromSeconds(10));
            var lines = Lines(api.StandardOutput);
            output.WriteLine($"json={json}: {atStart.Length} lines at start, {lines.Length - atStart.Length} for 22 requests");
            Assert.InRange(atStart.Length, 1, 30);
            Assert.Equal(22, lines.Count(l => l.Contains("Milestones.Api.Requests", StringComparison.Ordinal)));
            Assert.InRange(lines.Length - atStart.Length, 22, 24);
            if (json)
            {
                Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
                Assert.Contains(lines, l => l.Contains("\"Path\":\"/v1/accounts/alice\"", StringComparison.Ordinal));

                // Each entry has its UTC time; a request's, the trace and span it belongs to.
                Assert.All(lines, l => Assert.Equal(TimeSpan.Zero, DateTimeOffset.Parse(
                    JsonDocument.Parse(l).RootElement.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture).Offset));
                var request = JsonDocument.Parse(lines.Last(l => l.Contains("\"Path\":\"/v1/accounts/alice\"", StringComparison.Ordinal))).RootElement;
                var trace = request.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("TraceId", out _));
                Assert.Matches("^[0-9a-f]{32}$", trace.GetProperty("TraceId").GetString());
                Assert.Matches("^[0-9a-f]{16}$", trace.GetProperty("SpanId").GetString());
            }
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private Dictionary<string, string> Environment()
    {
        var ports = FreePorts.Take(2);
        var cluster = "ms-otel-" + Guid.NewGuid().ToString("N")[..8];
        return new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = store.ConnectionString,
            ["Orleans__ServiceId"] = cluster,
            ["Orleans__ClusterId"] = cluster,
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Orleans__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
        };
    }

    private static async Task<string> TokenAsync(string url, string user, bool platform)
    {
        using var response = await Http.PostAsJsonAsync(url + "/v1/dev/tokens", new { userId = user, platform });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
