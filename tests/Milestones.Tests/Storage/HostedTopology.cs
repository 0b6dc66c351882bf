using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Milestones.Tests.Storage;

/// <summary>
/// The production topology as real processes on one PostgreSQL connection string: silos and Client-mode APIs
/// (Development, so that tokens come from <c>/v1/dev/tokens</c>), each on free loopback ports, with the test's own
/// <paramref name="settings"/> on every process; all killed on dispose.
/// </summary>
internal sealed class HostedTopology(string connectionString, string serviceId, IReadOnlyDictionary<string, string>? settings = null) : IDisposable
{
    /// <summary>What a lifecycle's one milestone costs, and what funding it holds: the amount and the client's fee of 3%.</summary>
    public const long Amount = 1_000, Hold = 1_030;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>One request by a test's own rule (where it sends, how it retries); its JSON answer.</summary>
    public delegate Task<JsonDocument> Send(HttpMethod method, string path, string token, object? body = null, string? key = null);
    private readonly List<SiloProcess> processes = [];

    public IReadOnlyList<SiloProcess> Processes => processes;

    /// <summary>The deployment's migration step (<c>Milestones.Silo.dll migrate</c>), to its end.</summary>
    public async Task MigrateAsync()
    {
        using var migrate = SiloProcess.Start(Environment(), "migrate");
        var exit = await migrate.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 0, $"migrate exited with {exit}:\n{migrate.Describe()}");
    }

    /// <summary>Starts a silo; returns it and its silo port (its name in the membership table).</summary>
    public (SiloProcess Process, int Port) StartSilo()
    {
        var ports = FreePorts.Take(2);
        var environment = Environment();
        environment["Orleans__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture);
        environment["Orleans__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture);
        var silo = SiloProcess.Start(environment);
        processes.Add(silo);
        return (silo, ports[0]);
    }

    /// <summary>Starts a Client-mode API; returns its base address.</summary>
    public string StartApi()
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        var environment = Environment();
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["Hosting__Mode"] = "Client";
        environment["RateLimit__PermitsPerSecond"] = "100000";
        environment["RateLimit__PermitsPerSecondPerAddress"] = "100000";
        processes.Add(SiloProcess.StartApi(environment, "--urls", url));
        return url;
    }

    /// <summary>Waits until the API at <paramref name="url"/> is ready (it reached a silo); fails the test after 90 s.</summary>
    public async Task WaitReadyAsync(string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(url + "/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url} not ready:\n{Describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public static async Task<string> TokenAsync(string url, string user, bool platform = false)
    {
        using var response = await Http.PostAsJsonAsync(url + "/v1/dev/tokens", new { userId = user, platform });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>One request, once: its status, its Retry-After (seconds, if any) and its body.</summary>
    public static async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendOnceAsync(
        HttpMethod method, string url, string token, object? body = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new("Bearer", token);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Lifecycle <paramref name="index"/> over HTTP, every step with its Idempotency-Key (so a test's retries are safe):
    /// the platform deposits what funding holds for <c>client-{index}</c> (a reference unique to <paramref name="serviceId"/>),
    /// who creates a contract of one milestone with <c>freelancer-{index}</c>; both accept; it is funded, submitted and,
    /// when <paramref name="approve"/>, approved. Returns the contract's id.
    /// </summary>
    public static async Task<string> KeyedLifecycleAsync(Send send, Func<string, Task<string>> token, string serviceId, int index, string platform, bool approve = false)
    {
        var (client, freelancer) = ($"client-{index}", $"freelancer-{index}");
        var (clientToken, freelancerToken) = (await token(client), await token(freelancer));
        (await send(HttpMethod.Post, $"/v1/accounts/{client}/deposits", platform,
            new { amount = Hold, currency = "USD", reference = $"{serviceId}-{index}" })).Dispose();
        using var created = await send(HttpMethod.Post, "/v1/contracts", clientToken, new
        {
            freelancerId = freelancer, title = "Failover", currency = "USD",
            milestones = new[] { new { description = "All", dueDate = "2031-01-01", amount = Amount } },
        }, key: $"create-{index}");
        var id = created.RootElement.GetProperty("id").GetString()!;
        (await send(HttpMethod.Post, $"/v1/contracts/{id}/accept", clientToken, new { termsVersion = 1 }, key: "accept-client")).Dispose();
        (await send(HttpMethod.Post, $"/v1/contracts/{id}/accept", freelancerToken, new { termsVersion = 1 }, key: "accept-freelancer")).Dispose();
        (await send(HttpMethod.Post, $"/v1/contracts/{id}/milestones/m1/fund", clientToken, key: "fund")).Dispose();
        (await send(HttpMethod.Post, $"/v1/contracts/{id}/milestones/m1/submit", freelancerToken, new { message = "Done" }, key: "submit")).Dispose();
        if (approve)
        {
            (await send(HttpMethod.Post, $"/v1/contracts/{id}/milestones/m1/approve", clientToken, key: "approve")).Dispose();
        }

        return id;
    }

    public string Describe() => string.Join("\n", processes.Select(p => p.Describe()));

    public void Dispose() => processes.ForEach(p => p.Dispose());

    private Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = connectionString,
            ["Storage__MigrateOnStart"] = "false",
            ["Orleans__ServiceId"] = serviceId,
            ["Orleans__ClusterId"] = serviceId,
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return environment;
    }
}
