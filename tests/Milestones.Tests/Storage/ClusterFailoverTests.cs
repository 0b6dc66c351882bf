using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Milestones.Silo;
using Milestones.Silo.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// The production topology in real processes: three silos and two API processes on PostgreSQL, HTTP load over both
/// APIs (deposit → create → accept ×2 → fund → submit, each retried with its Idempotency-Key on 503 as a client
/// would), one silo SIGKILLed mid-load, then a rolling restart (a new silo joins, an old one gets SIGTERM, in turn).
/// No answer may be a 500; every acknowledged funding and submission must be there, and every submission must be
/// auto-released exactly once (one-minute review period): the freelancer's net pending, each fee in the fee account
/// once, and the ledger exact.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ContractCount = 48;
    private const int Concurrency = 6;
    /// <summary>What its release pays the freelancer (pending for the 5-day security period): the amount less the 10% service fee.</summary>
    private const long Net = 900;

    /// <summary>The service fee and the client's fee on one release.</summary>
    private const long Fees = 130;
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(90);

    private readonly string serviceId = "ms-failover-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(SiloProcess Process, int Port)> silos = [];
    private readonly ConcurrentDictionary<int, int> statuses = new();
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TestStore store = null!;
    private Func<string> describe = () => "";
    private string[] urls = [];
    private int next;
    private long lastUnavailableTicks;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
    }

    [Fact]
    public async Task ASiloKilledMidLoad_AndARollingRestart_LoseNothing_AndAnswerNo500()
    {
        using var topology = new HostedTopology(store.ConnectionString, serviceId, new Dictionary<string, string> { ["Milestones__ReviewPeriod"] = "00:01:00" });
        describe = topology.Describe;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            silos.Add(topology.StartSilo());
        }

        foreach (var silo in silos)
        {
            await WaitForMemberAsync(silo.Port, status: 3);
        }

        urls = [topology.StartApi(), topology.StartApi()];
        foreach (var url in urls)
        {
            await topology.WaitReadyAsync(url);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: 3 silos and 2 APIs up");
        var platform = await TokenAsync("marketplace", platform: true);

        var done = 0;
        var killedAt = DateTime.MinValue;
        var killed = new TaskCompletionSource();
        var work = Enumerable.Range(0, ContractCount).Select(i => (Index: i, Client: $"client-{i}", Freelancer: $"freelancer-{i}")).ToList();
        var acknowledged = new ConcurrentDictionary<string, (string Client, string Freelancer)>();
        using var gate = new SemaphoreSlim(Concurrency);
        var load = work.Select(async w =>
        {
            await gate.WaitAsync();
            try
            {
                var contract = await HostedTopology.KeyedLifecycleAsync(SendAsync, user => TokenAsync(user), serviceId, w.Index, platform);
                acknowledged[contract] = (w.Client, w.Freelancer);
                if (Interlocked.Increment(ref done) == ContractCount / 3)
                {
                    silos[0].Process.Kill();
                    killedAt = DateTime.UtcNow;
                    output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: silo on port {silos[0].Port} killed with SIGKILL after {done} lifecycles");
                    killed.SetResult();
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(load);
        Assert.True(killed.Task.IsCompleted);
        var recovered = new DateTime(Interlocked.Read(ref lastUnavailableTicks), DateTimeKind.Utc) - killedAt;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: load done: {acknowledged.Count} funded and submitted; " +
            $"last 503 or broken connection {Math.Max(0, recovered.TotalSeconds):F1} s after the kill");

        // Rolling restart: a new silo joins, then an old one leaves gracefully, for each survivor.
        foreach (var old in silos.Skip(1).ToList())
        {
            var (_, port) = topology.StartSilo();
            await WaitForMemberAsync(port, status: 3);
            await old.Process.TerminateAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: silo {port} joined, silo {old.Port} stopped with SIGTERM");
        }

        // Every submission is released by its wake-up (an account read does not release anything), exactly once; the
        // freelancer's net stays pending (the security period is days).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        var pending = acknowledged.ToDictionary();
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var (contract, parties) in pending.ToList())
            {
                var (available, inSecurityPeriod) = await BalanceAsync(parties.Freelancer, await TokenAsync(parties.Freelancer));
                Assert.Equal(0, available);
                Assert.InRange(inSecurityPeriod, 0, Net);
                if (inSecurityPeriod == Net)
                {
                    pending.Remove(contract);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {acknowledged.Count - pending.Count} of {acknowledged.Count} auto-released; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.Empty(pending);
        foreach (var (contract, parties) in acknowledged)
        {
            using var view = await SendAsync(HttpMethod.Get, $"/v1/contracts/{contract}", await TokenAsync(parties.Client));
            var milestone = view.RootElement.GetProperty("milestones")[0];
            Assert.Equal("released", milestone.GetProperty("status").GetString());
        }

        using var fees = await SendAsync(HttpMethod.Get, "/v1/platform/fees", platform);
        var usd = Assert.Single(fees.RootElement.GetProperty("balances").EnumerateArray(), b => b.GetProperty("currency").GetString() == "USD");
        Assert.Equal(acknowledged.Count * Fees, usd.GetProperty("available").GetInt64());
        using var ledger = await SendAsync(HttpMethod.Get, "/v1/ledger/verify", platform);
        Assert.True(ledger.RootElement.GetProperty("ok").GetBoolean(), ledger.RootElement.ToString());
        Assert.False(statuses.ContainsKey(500), "an answer was 500");
        Assert.False(statuses.ContainsKey(-503), "a 503 had no Retry-After");
    }

    /// <summary>One request, on the APIs in turn, retried with the same key on 503 or a broken connection (bounded); any other failure fails the test.</summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, string token, object? body = null, string? key = null)
    {
        var deadline = DateTime.UtcNow + RetryBound;
        while (true)
        {
            var url = urls[Interlocked.Increment(ref next) % urls.Length];
            using var request = new HttpRequestMessage(method, url + path);
            request.Headers.Authorization = new("Bearer", token);
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            try
            {
                using var response = await Http.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(text);
                }

                Assert.True(status == 503, $"{method} {path}: {status} {text}");
                Interlocked.Exchange(ref lastUnavailableTicks, DateTime.UtcNow.Ticks);
                if (response.Headers.RetryAfter?.Delta is null)
                {
                    statuses.AddOrUpdate(-503, 1, (_, n) => n + 1); // a 503 without Retry-After, counted apart
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                Interlocked.Exchange(ref lastUnavailableTicks, DateTime.UtcNow.Ticks);
            }

            Assert.True(DateTime.UtcNow < deadline, $"{method} {path}: no answer but 503 within {RetryBound}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task<(long Available, long Pending)> BalanceAsync(string user, string token)
    {
        using var account = await SendAsync(HttpMethod.Get, $"/v1/accounts/{user}", token);
        var usd = account.RootElement.GetProperty("balances").EnumerateArray().Where(b => b.GetProperty("currency").GetString() == "USD").ToList();
        return (usd.Sum(b => b.GetProperty("available").GetInt64()), usd.Sum(b => b.GetProperty("pending").GetInt64()));
    }

    private Task<string> TokenAsync(string user, bool platform = false) => HostedTopology.TokenAsync(urls[0], user, platform);

    private async Task WaitForMemberAsync(int port, int status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            await using (var connection = new NpgsqlConnection(store.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND port = @port AND status = @status", connection);
                command.Parameters.AddWithValue("cluster", serviceId);
                command.Parameters.AddWithValue("port", port);
                command.Parameters.AddWithValue("status", status);
                if ((long)(await command.ExecuteScalarAsync())! > 0)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"silo {port} never became {status}:\n{describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
