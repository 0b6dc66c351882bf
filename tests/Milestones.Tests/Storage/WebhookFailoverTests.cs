using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Milestones.Contracts;
using Milestones.Silo;
using Milestones.Tests.Api;
using Milestones.Wakeups;
using Npgsql;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// A silo killed mid-delivery loses and reorders nothing, in real processes: three silos and an API on PostgreSQL,
/// one webhook for every event pointing at a receiver in the test (it answers in 50 to 300 ms, a first attempt now
/// and then 500), lifecycles over HTTP (deposit → create → accept ×2 → fund → submit → approve, 503s retried with
/// their Idempotency-Key), and the silo hosting the webhook's grain (asked of the management grain by a client of the
/// cluster in the test) SIGKILLed while the receiver holds requests from it, which lose their sender with it. The
/// wake-up scan brings the webhook back on another silo and the receiver gets every event: each contract's exactly
/// its event log, each account's seq 1..m. Per contract or account, no event is first sent before the one before it
/// was acknowledged; an event sent again has the same body; every request is signed; no API answer is a 500.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class WebhookFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ContractCount = 24;
    private const int Concurrency = 6;
    /// <summary>Statuses of a silo in Orleans' membership table.</summary>
    private const int Active = 3, Dead = 6;

    /// <summary>How often the silos scan for due grains here (<c>Milestones:WakeInterval</c>, 10 s by default).</summary>
    private static readonly TimeSpan WakeInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>How the receiver answers while the silo is about to be killed: late enough that the kill comes first (a sender waits 10 s).</summary>
    private static readonly Reply Held = Reply.Slow(TimeSpan.FromSeconds(5));

    private readonly string serviceId = "ms-hookfail-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(SiloProcess Process, int Port)> silos = [];
    private readonly ConcurrentDictionary<int, int> statuses = new();
    private Func<string> describe = () => "";
    private IHost? orleans;
    private WebhookReceiver receiver = null!;
    private TestStore store = null!;
    private string url = "";
    private volatile bool holding;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
        receiver = await WebhookReceiver.StartAsync();
    }

    /// <summary>The processes of a test, with what every one of them is set to here.</summary>
    private HostedTopology NewTopology()
    {
        var topology = new HostedTopology(store.ConnectionString, serviceId, new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateTargets"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",

            // Scans every 2 s rather than 10: the webhook is back sooner once its silo is declared dead, the same way.
            ["Milestones__WakeInterval"] = WakeInterval.ToString(),
        });
        describe = topology.Describe;
        return topology;
    }

    public async Task DisposeAsync()
    {
        if (orleans is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await orleans.StopAsync(stop.Token);
            orleans.Dispose();
        }

        await receiver.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task TheSiloHostingAWebhook_KilledMidDelivery_LosesAndReordersNothing()
    {
        using var topology = NewTopology();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            silos.Add(topology.StartSilo());
        }

        foreach (var silo in silos)
        {
            await WaitForMemberAsync(silo.Port);
        }

        url = topology.StartApi();
        await topology.WaitReadyAsync(url);
        orleans = await ConnectAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: 3 silos, the API and a client of the cluster up");

        // Slow at random, and a first attempt now and then a failure (retried 2.5 to 7.5 s later): deliveries are always in flight.
        receiver.Script = r => holding ? Held
            : r.Attempt == 1 && Random.Shared.Next(20) == 0 ? Reply.Fail
            : Reply.Slow(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 300)));
        var platform = await TokenAsync("marketplace", platform: true);
        using var created = await SendAsync(HttpMethod.Post, "/v1/webhooks", platform, new { url = receiver.Url, description = "Failover" });
        var (webhookId, secret, cursor) = (Text(created, "id"), Text(created, "secret"), Text(created, "cursor"));

        var done = 0;
        var killAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var contracts = new ConcurrentDictionary<string, int>();
        using var gate = new SemaphoreSlim(Concurrency);
        var load = Enumerable.Range(0, ContractCount).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                contracts[await HostedTopology.KeyedLifecycleAsync(SendAsync, user => TokenAsync(user), serviceId, i, platform, approve: true)] = i;
                if (Interlocked.Increment(ref done) == ContractCount / 3)
                {
                    killAfter.SetResult();
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        // The silo the webhook's grain is on, SIGKILLed while the receiver holds requests of it (each answered 5 s late).
        var all = Task.WhenAll(load);
        if (await Task.WhenAny(killAfter.Task, all) == all)
        {
            await all;
        }

        var grains = orleans.Services.GetRequiredService<IGrainFactory>();
        var webhook = grains.GetGrain<IWebhookGrain>(webhookId);
        var management = grains.GetGrain<IManagementGrain>(0);
        var host = await management.GetActivationAddress(webhook);
        var wakeups = await management.GetActivationAddress(grains.GetGrain<IDueWakeupGrain>(0));
        var victim = Assert.Single(silos, s => s.Port == host?.Endpoint.Port);
        holding = true;
        await receiver.WaitUntilAsync(r => r.Any(x => x.Reply == Held), TimeSpan.FromSeconds(10), "a held request");
        var (killedAt, inFlight) = (receiver.Now, receiver.InFlight);
        victim.Process.Kill();
        holding = false;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: silo {victim.Port} (the webhook's; the wake-up scan's is {wakeups?.Endpoint.Port}) killed with SIGKILL " +
            $"after {done} lifecycles, with {inFlight} deliveries in flight and {receiver.Receipts.Count} requests so far");
        await all;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {contracts.Count} lifecycles done");

        // Back on another silo once the kill is noticed and the wake-up scan runs (itself back on another silo an
        // interval after the membership's verdict, when it was on the same silo).
        var back = await receiver.WaitUntilAsync(r => r.Any(x => x.ReceivedAt > killedAt && x.Reply != Held),
            TimeSpan.FromSeconds(90) - (receiver.Now - killedAt), "the webhook to come back within 90 s of the kill");
        var revival = back.First(x => x.ReceivedAt > killedAt && x.Reply != Held).ReceivedAt - killedAt;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: the webhook is back, its first request {revival.TotalSeconds:F1} s after the kill");

        // Until every event of every contract and account has been acknowledged: each contract's log (approved last,
        // so complete), and the feed, once it has each client's 3 events (deposit, hold, capture), each freelancer's
        // credit and the fee account's 2 credits per release.
        List<(string Stream, int Count)> expected =
            [.. contracts.Values.SelectMany(i => new[] { ($"account:client-{i}", 3), ($"account:freelancer-{i}", 1) }), ("account:fee_USD", 2 * ContractCount)];
        var logs = new Dictionary<string, List<(string Id, string Type)>>();
        var feed = new List<(string Id, string Type, string Stream, long Seq)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            foreach (var contract in contracts.Keys.Where(c => !logs.ContainsKey(c)))
            {
                using var log = await SendAsync(HttpMethod.Get, $"/v1/contracts/{contract}/events?limit=100", platform);
                logs[contract] = [.. log.RootElement.GetProperty("events").EnumerateArray().Select(e => ($"contract:{contract}:{e.GetProperty("seq").GetInt64()}", Text(e, "type")))];
            }

            cursor = await ReadFeedAsync(platform, cursor, feed);
            var acked = receiver.Receipts.Where(r => r.Acknowledged).Select(r => r.EventId).ToHashSet();
            var streams = feed.GroupBy(e => e.Stream).ToDictionary(g => g.Key, g => g.Count());
            var missing = logs.Values.SelectMany(l => l).Select(e => e.Id).Concat(feed.Select(e => e.Id)).Where(id => !acked.Contains(id)).ToList();
            var lacking = expected.Where(e => streams.GetValueOrDefault(e.Stream) < e.Count).ToList();
            if (missing.Count == 0 && lacking.Count == 0)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"90 s after the webhook came back, {missing.Count} events not acknowledged (such as {string.Join(", ", missing.Take(5))}), " +
                $"{lacking.Count} accounts short of events in the feed ({string.Join(", ", lacking.Take(5).Select(e => $"{e.Stream}: {streams.GetValueOrDefault(e.Stream)}"))}); " +
                $"{receiver.Receipts.Count} requests\n" + describe());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var receipts = receiver.Receipts;
        var moved = await management.GetActivationAddress(webhook);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: all {feed.Count} events acknowledged in {receipts.Count} requests " +
            $"({receipts.Count(r => r.Attempt > 1)} again, {receipts.Count(r => r.Status == 500)} answered 500, {receipts.Count(r => r.SenderGone)} cut off by the kill); " +
            $"the webhook is on silo {moved?.Endpoint.Port}; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");

        // The kill was mid-delivery: the requests held when it came lost their sender with it; the webhook lives elsewhere now.
        Assert.Contains(receipts, r => r.Reply == Held && r.ReceivedAt <= killedAt);
        Assert.All(receipts.Where(r => r.Reply == Held && r.ReceivedAt <= killedAt), r => Assert.True(r.SenderGone, $"{r.EventId} was answered {r.Status}"));
        Assert.NotEqual(victim.Port, moved?.Endpoint.Port);
        Assert.Contains(receipts, r => r.Acknowledged && r.ReceivedAt > killedAt);

        // Complete: each contract's events are its log, each account's seq 1..m, and nothing came that the feed lacks.
        var delivered = receipts.Where(r => r.Acknowledged).DistinctBy(r => r.EventId).ToList();
        Assert.Equal(feed.Select(e => e.Id).Order(), delivered.Select(r => r.EventId).Order());
        foreach (var (contract, log) in logs)
        {
            Assert.Equal(log, delivered.Where(r => r.Stream == "contract:" + contract).OrderBy(r => r.Seq).Select(r => (r.EventId, r.Event["type"]!.GetValue<string>())));
        }

        foreach (var account in delivered.Where(r => r.Stream.StartsWith("account:", StringComparison.Ordinal)).GroupBy(r => r.Stream))
        {
            Assert.Equal(Enumerable.Range(1, account.Count()).Select(n => (long)n), account.Select(r => r.Seq).Order());
            Assert.All(account, r => Assert.Equal($"{account.Key}:{r.Seq}", r.EventId));
        }

        Assert.All(expected, e => Assert.Equal(e.Count, delivered.Count(r => r.Stream == e.Stream)));

        // In order: no event first sent before the one before it in its stream was acknowledged.
        foreach (var stream in receipts.GroupBy(r => r.Stream))
        {
            var bySeq = stream.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var (seq, sent) in bySeq.Where(s => s.Key > 1))
            {
                var first = sent.MinBy(r => r.Number)!;
                Assert.True(bySeq[seq - 1].Any(r => r.Acknowledged && r.AnsweredAt <= first.ReceivedAt),
                    $"{first.EventId} was first sent at {first.ReceivedAt} (request {first.Number}), before {stream.Key}:{seq - 1} was acknowledged " +
                    $"(killed at {killedAt}): {string.Join("; ", bySeq[seq - 1].Select(r => $"request {r.Number} at {r.ReceivedAt}: {r.Status} at {r.AnsweredAt}"))}");
            }
        }

        // At least once, the same each time, and signed.
        Assert.All(receipts.GroupBy(r => r.EventId), sent => Assert.Single(sent.Select(r => r.Body).Distinct()));
        Assert.All(receipts, r =>
        {
            WebhookApiTest.AssertSigned(r, secret);
            Assert.Equal(r.Event["id"]!.GetValue<string>(), r.EventId);
        });
        using var endpoint = await SendAsync(HttpMethod.Get, $"/v1/webhooks/{webhookId}", platform);
        Assert.Equal(0, endpoint.RootElement.GetProperty("deadDeliveries").GetInt32());
        Assert.False(statuses.ContainsKey(500), "an answer was 500");
    }

    /// <summary>
    /// The scans that wake due grains (auto-releases, webhook deliveries) run in one grain; killed with its silo, they
    /// run again on another within intervals of the membership's verdict: each silo makes sure of them once an
    /// interval. (Their keep-alive reminder alone took up to a minute more.)
    /// </summary>
    [Fact]
    public async Task TheSiloRunningTheWakeUpScans_Killed_TheyRunOnAnotherWithinIntervalsOfTheVerdict()
    {
        using var topology = NewTopology();
        for (var i = 0; i < 3; i++)
        {
            silos.Add(topology.StartSilo());
        }

        foreach (var silo in silos)
        {
            await WaitForMemberAsync(silo.Port);
        }

        orleans = await ConnectAsync();
        var grains = orleans.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var scans = grains.GetGrain<IDueWakeupGrain>(0);
        async Task<int?> ScansRunOnAsync()
        {
            try
            {
                return (await management.GetActivationAddress(scans))?.Endpoint.Port;
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException)
            {
                return null;  // asked through the killed silo, or of it
            }
        }

        async Task<int> WaitForScansAsync(Func<int, bool> where, TimeSpan within, string what)
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                if (await ScansRunOnAsync() is { } port && where(port))
                {
                    return port;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the wake-up scans did not run {what} within {within}:\n{describe()}");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        // The silos start them on their own.
        var first = await WaitForScansAsync(_ => true, TimeSpan.FromSeconds(30), "at all");
        var victim = Assert.Single(silos, s => s.Port == first);
        victim.Process.Kill();
        var killed = System.Diagnostics.Stopwatch.StartNew();
        await WaitForStatusAsync(victim.Port, Dead, "dead");
        var verdict = killed.Elapsed;

        var moved = await WaitForScansAsync(port => port != victim.Port, 3 * WakeInterval + TimeSpan.FromSeconds(2), "again after the verdict");
        output.WriteLine($"silo {victim.Port} killed; declared dead after {verdict.TotalSeconds:F1} s; the scans run on silo {moved} " +
            $"{(killed.Elapsed - verdict).TotalSeconds:F1} s after that");
        Assert.Contains(silos, s => s.Port == moved && !s.Process.HasExited);
    }

    /// <summary>Appends the feed's events after <paramref name="after"/> to <paramref name="feed"/> (bounded); returns the cursor after them.</summary>
    private async Task<string> ReadFeedAsync(string platform, string after, List<(string Id, string Type, string Stream, long Seq)> feed)
    {
        for (var page = 0; page < 20; page++)
        {
            using var read = await SendAsync(HttpMethod.Get, $"/v1/events?after={after}&limit=500", platform);
            var items = read.RootElement.GetProperty("items").EnumerateArray().ToList();
            after = Text(read, "nextCursor");
            if (items.Count == 0)
            {
                return after;
            }

            feed.AddRange(items.Select(e => (Text(e, "id"), Text(e, "type"),
                e.TryGetProperty("contractId", out var contract) && contract.ValueKind == JsonValueKind.String ? "contract:" + contract.GetString() : "account:" + Text(e, "accountId"), e.GetProperty("seq").GetInt64())));
        }

        return after;
    }

    /// <summary>One request, retried with the same key on 503 or a broken connection (bounded); any other failure fails the test.</summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, string token, object? body = null, string? key = null)
    {
        var deadline = DateTime.UtcNow + RetryBound;
        while (true)
        {
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
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
            }

            Assert.True(DateTime.UtcNow < deadline, $"{method} {path}: no answer but 503 within {RetryBound}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static string Text(JsonDocument document, string property) => Text(document.RootElement, property);

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;

    private Task<string> TokenAsync(string user, bool platform = false) => HostedTopology.TokenAsync(url, user, platform);

    /// <summary>A client of the cluster in the test process, to ask the management grain where the webhook's grain is.</summary>
    private async Task<IHost> ConnectAsync()
    {
        var host = new HostBuilder().UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = store.Settings.Invariant;
                o.ConnectionString = store.ConnectionString;
            });
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, serviceId));
        }).Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Until the silo on <paramref name="port"/> is active in the membership table.</summary>
    private Task WaitForMemberAsync(int port) => WaitForStatusAsync(port, Active, "active");

    /// <summary>Until the membership table has the silo on <paramref name="port"/> in <paramref name="status"/>.</summary>
    private async Task WaitForStatusAsync(int port, int status, string what)
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

            Assert.True(DateTime.UtcNow < deadline, $"silo {port} never became {what}:\n{describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
