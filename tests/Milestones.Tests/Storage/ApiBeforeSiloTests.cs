using Milestones.Silo;
using System.Globalization;
using System.Net;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>An API started before any silo listens at once, answers not-ready (and 503, never 500), then ready once a silo is up.</summary>
[Collection(SerialStorageCollection.Name)]
public sealed class ApiBeforeSiloTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string serviceId = "ms-early-" + Guid.NewGuid().ToString("N")[..8];
    private TestStore store = null!;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task AnApiStartedBeforeAnySilo_IsNotReady_ThenReadyOnceASiloStarts()
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        var environment = Environment();
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["Hosting__Mode"] = "Client";
        using var api = SiloProcess.StartApi(environment, "--urls", url);

        var early = await PollAsync(url, status => status is not null, TimeSpan.FromSeconds(60), api);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early);
        using (var request = await Http.PostAsync(url + "/v1/dev/tokens", new StringContent("""{"userId": "alice"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, request.StatusCode);
            var token = System.Text.Json.JsonDocument.Parse(await request.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
            using var account = new HttpRequestMessage(HttpMethod.Get, url + "/v1/accounts/alice") { Headers = { { "Authorization", $"Bearer {token}" } } };
            using var answer = await Http.SendAsync(account);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Contains("\"code\":\"service_unavailable\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Http.GetAsync(url + "/health/ready")).StatusCode);

        var ports = FreePorts.Take(2);
        var siloEnvironment = Environment();
        siloEnvironment["Orleans__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture);
        siloEnvironment["Orleans__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture);
        using var silo = SiloProcess.Start(siloEnvironment);

        Assert.Equal(HttpStatusCode.OK, await PollAsync(url, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(120), api, silo));
    }

    private static async Task<HttpStatusCode?> PollAsync(string url, Func<HttpStatusCode?, bool> until, TimeSpan timeout, params SiloProcess[] processes)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            HttpStatusCode? status = null;
            try
            {
                using var response = await Http.GetAsync(url + "/health/ready");
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }

            if (until(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url}/health/ready answered {status}:\n{string.Join("\n", processes.Select(p => p.Describe()))}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Milestones"] = store.ConnectionString,
        ["Storage__MigrateOnStart"] = "false",
        ["Orleans__ServiceId"] = serviceId,
        ["Orleans__ClusterId"] = serviceId,
        ["Orleans__AdvertisedIP"] = "127.0.0.1",
    };
}
