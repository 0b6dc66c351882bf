using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// The production topology on a PostgreSQL primary with a synchronous standby, in real processes: the migration step,
/// two silos and two Client-mode APIs on a connection string naming both hosts (read-write sessions only, a host seen
/// read-only asked again after a second). Keyed lifecycles (deposit → create → accept ×2 → fund → submit, each retried
/// with its key on 503 as a client would) run over both APIs; mid-load the primary's processes get SIGKILL and the
/// standby is promoted a few seconds later. No answer may be a 500 (each 503 says when to come back); every
/// acknowledged lifecycle must be there afterwards, and the ledger exact. The output tells how long writes took to
/// come back.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class DatabaseFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ContractCount = 24;
    private const int Concurrency = 4;
    private static readonly TimeSpan PromotionDelay = TimeSpan.FromSeconds(3);

    /// <summary>How long the whole test may take, from the first server started: a hang fails it instead of stalling the run.</summary>
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(100);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly string serviceId = "ms-dbfailover-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<int, int> statuses = new();
    private readonly Stopwatch clock = new();
    private readonly object resumedLock = new();
    private PostgresStandbyPair pair = null!;
    private Func<string> describe = () => "";
    private string[] urls = [];
    private int next;
    private TimeSpan? killedAt;
    private TimeSpan? writesResumedAt;

    public async Task InitializeAsync()
    {
        clock.Start();
        pair = await PostgresStandbyPair.StartAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: primary on {pair.PrimaryPort}, synchronous standby on {pair.StandbyPort}");
    }

    public async Task DisposeAsync()
    {
        // Null when the servers did not start (StartAsync cleaned up after itself).
        if (pair is not null)
        {
            await pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task APrimaryKilledMidLoad_AndItsStandbyPromoted_LosesNothingAcknowledged_AndAnswersNo500()
    {
        using var topology = new HostedTopology(pair.ConnectionString, serviceId);
        describe = topology.Describe;
        await topology.MigrateAsync();
        topology.StartSilo();
        topology.StartSilo();
        urls = [topology.StartApi(), topology.StartApi()];
        foreach (var url in urls)
        {
            await topology.WaitReadyAsync(url);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: migrated; 2 silos and 2 APIs up");
        var platform = await HostedTopology.TokenAsync(urls[0], "platform", platform: true);

        var done = 0;
        Task promoted = Task.CompletedTask;
        TimeSpan promotedAt = default;
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var gate = new SemaphoreSlim(Concurrency);
        var load = Enumerable.Range(0, ContractCount).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                acknowledged[await HostedTopology.KeyedLifecycleAsync(SendAsync, user => HostedTopology.TokenAsync(urls[0], user), serviceId, i, platform)] = $"client-{i}";
                if (Interlocked.Increment(ref done) == ContractCount / 3)
                {
                    pair.KillPrimary();
                    lock (resumedLock)
                    {
                        killedAt = clock.Elapsed;
                    }

                    output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: primary killed (SIGKILL) after {done} lifecycles");
                    promoted = Task.Run(async () =>
                    {
                        await Task.Delay(PromotionDelay);
                        await pair.PromoteStandbyAsync();
                        promotedAt = clock.Elapsed;
                        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: standby promoted");
                    });
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(load);
        await promoted;

        Assert.NotNull(killedAt);
        Assert.NotNull(writesResumedAt);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: load done, {acknowledged.Count} lifecycles acknowledged; the first write sent after the kill " +
            $"succeeded {(writesResumedAt - killedAt)!.Value.TotalSeconds:F1} s after the kill, {(writesResumedAt!.Value - promotedAt).TotalSeconds:F1} s after the promotion; " +
            $"statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))} (0: no answer)");
        Assert.Equal(ContractCount, acknowledged.Count);
        foreach (var (contract, client) in acknowledged)
        {
            var token = await HostedTopology.TokenAsync(urls[0], client);
            using var view = await SendAsync(HttpMethod.Get, $"/v1/contracts/{contract}", token);
            Assert.Equal("submitted", view.RootElement.GetProperty("milestones")[0].GetProperty("status").GetString());
            using var account = await SendAsync(HttpMethod.Get, $"/v1/accounts/{client}", token);
            var usd = Assert.Single(account.RootElement.GetProperty("balances").EnumerateArray());
            Assert.Equal((0, HostedTopology.Hold), (usd.GetProperty("available").GetInt64(), usd.GetProperty("held").GetInt64()));
        }

        using var ledger = await SendAsync(HttpMethod.Get, "/v1/ledger/verify", platform);
        Assert.True(ledger.RootElement.GetProperty("ok").GetBoolean(), ledger.RootElement.ToString());
        Assert.False(statuses.ContainsKey(500), "an answer was 500");
        Assert.False(statuses.ContainsKey(-503), "a 503 had no Retry-After");
    }

    /// <summary>
    /// One request, on the APIs in turn, retried with the same key on 503 or a broken connection (until
    /// <see cref="TestBound"/>); any other failure fails the test. The first write sent after the kill that succeeds marks when writes came back.
    /// </summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, string token, object? body = null, string? key = null)
    {
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

            var sentAt = clock.Elapsed;
            try
            {
                using var response = await Http.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    WriteSucceeded(method, sentAt);
                    return JsonDocument.Parse(text);
                }

                Assert.True(status == 503, $"{method} {path}: {status} {text}");
                if (response.Headers.RetryAfter?.Delta is null)
                {
                    statuses.AddOrUpdate(-503, 1, (_, n) => n + 1); // a 503 without Retry-After, counted apart
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && clock.Elapsed < TestBound)
            {
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
            }

            Assert.True(clock.Elapsed < TestBound, $"{method} {path}: no answer but 503 {clock.Elapsed.TotalSeconds:F0} s into the test:\n{describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private void WriteSucceeded(HttpMethod method, TimeSpan sentAt)
    {
        lock (resumedLock)
        {
            if (method == HttpMethod.Post && killedAt is { } kill && sentAt > kill && (writesResumedAt is null || clock.Elapsed < writesResumedAt))
            {
                writesResumedAt = clock.Elapsed;
            }
        }
    }
}
