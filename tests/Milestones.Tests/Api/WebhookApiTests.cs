using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Milestones.Webhooks;

namespace Milestones.Tests.Api;

/// <summary>The webhook tests' own API (a silo whose feed has only their events), so that they run beside the other API tests.</summary>
[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api-webhooks";
}

/// <summary>The API with deliveries retried for 2 s only: a failed first attempt is also the last (its retry would be 2.5 s or more later).</summary>
public sealed class ShortRetryApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string> { ["Webhooks:RetryFor"] = "00:00:02" };
}

[CollectionDefinition(Name)]
public sealed class ShortRetryCollection : ICollectionFixture<ShortRetryApiFactory>
{
    public const string Name = "api-webhooks-short-retry";
}

/// <summary>
/// Events out, over real HTTP: every event reaches a receiver on a loopback port, signed, one at a time per contract
/// or account, through failures, slow answers and a timeout; replay, secret rotation, validation and roles.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookApiTests(ApiFactory factory) : WebhookApiTest(factory)
{
    [Fact]
    public async Task EveryEvent_IsDelivered_SignedAndInOrderPerStream_ThroughFailuresSlowAnswersAndATimeout()
    {
        await using var hook = await HookAsync();
        var (firsts, hung, aborted) = (0, false, false);
        hook.Receiver.Script = r =>
        {
            if (r.Attempt > 1)
            {
                return Reply.Ok;
            }

            if (!hung && Type(r.Event) == "milestone.submitted")
            {
                hung = true;
                return Reply.Hang;
            }

            if (!aborted && Type(r.Event) == "milestone.funded")
            {
                aborted = true;
                return Reply.Abort;
            }

            // Of every 20 first attempts, 5 fail and 3 are answered in 0.2 to 1.5 s.
            firsts++;
            return (firsts % 20) switch
            {
                1 or 5 or 9 or 13 or 17 => Reply.Fail,
                2 or 10 or 18 => Reply.Slow(TimeSpan.FromMilliseconds(200 + (firsts * 130 % 1300))),
                _ => Reply.Ok,
            };
        };

        await DepositAsync(ClientId, 41_200);
        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CompletedAsync()));

        // Until every contract is completed and every event the feed has had since the endpoint was made is acknowledged.
        JsonNode[][] logs = [];
        await EventuallyAsync(async () =>
        {
            logs = await Task.WhenAll(ids.Select(LogAsync));
            var feed = await FeedAsync(hook.Cursor);
            var acked = Acked(hook.Receiver.Receipts);
            return logs.All(log => log.Any(e => Type(e) == "contract.completed")) && feed.All(e => acked.Contains(Id(e)));
        }, TimeSpan.FromSeconds(90), "every event to be acknowledged");
        var receipts = hook.Receiver.Receipts;
        await EventuallyAsync(async () => (await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.OK))["pendingDeliveries"]!.GetValue<int>() == 0,
            TimeSpan.FromSeconds(10), "the last outcomes to be recorded");

        for (var i = 0; i < ids.Length; i++)
        {
            var delivered = receipts.Where(r => r.Acknowledged && r.Stream == "contract:" + ids[i]).ToList();
            Assert.Equal(logs[i].Select(Seq), delivered.Select(r => r.Seq).Distinct().Order());
            Assert.All(delivered, r => Assert.Equal(logs[i].Single(e => Seq(e) == r.Seq)["hash"]!.GetValue<string>(), r.Event["hash"]!.GetValue<string>()));
        }

        Assert.Contains(receipts, r => r.Acknowledged && r.EventId == $"account:{ClientId}:1" && Type(r.Event) == "deposit.recorded");
        Assert.All(receipts.Where(r => r.Event["accountId"] is not null), r => Assert.Null(r.Event["hash"]));
        AssertInOrderPerStream(receipts);
        Assert.All(receipts, r =>
        {
            AssertSigned(r, hook.Secret);
            Assert.Equal(r.Event["id"]!.GetValue<string>(), r.EventId);
            Assert.Equal("application/json; charset=utf-8", r.Headers["Content-Type"]);
        });

        // The script was followed: a quarter failed, some were slow, one hung past the sender's 10 s, one was cut off.
        Assert.InRange(receipts.Count(r => r.Reply == Reply.Fail), 5, 30);
        Assert.InRange(receipts.Count(r => r.Reply.Delay > TimeSpan.Zero && !r.Reply.Close), 2, 20);
        var timedOut = Assert.Single(receipts, r => r.Reply == Reply.Hang);
        var cutOff = Assert.Single(receipts, r => r.Reply == Reply.Abort);

        // The deliveries show each failed attempt and how long it took, then the one that succeeded.
        var deliveries = (await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}/deliveries?limit=500"), HttpStatusCode.OK))["items"]!.AsArray();
        JsonNode Attempts(Receipt r) => deliveries.Single(d => d!["eventId"]!.GetValue<string>() == r.EventId)!["attempts"]!;
        var timeout = Attempts(timedOut);
        Assert.Null(timeout[0]!["status"]);
        Assert.Equal("No answer within 10 s", timeout[0]!["error"]!.GetValue<string>());
        Assert.InRange(timeout[0]!["latencyMs"]!.GetValue<long>(), 9_900, 15_000);
        Assert.Equal(200, timeout[1]!["status"]!.GetValue<int>());
        Assert.Null(Attempts(cutOff)[0]!["status"]);
        Assert.False(string.IsNullOrEmpty(Attempts(cutOff)[0]!["error"]!.GetValue<string>()));
        Assert.All(receipts.Where(r => r.Reply == Reply.Fail), r =>
        {
            var attempts = Attempts(r);
            Assert.Equal((500, "HTTP 500", 200), (attempts[0]!["status"]!.GetValue<int>(), attempts[0]!["error"]!.GetValue<string>(), attempts[1]!["status"]!.GetValue<int>()));
            Assert.InRange(attempts[0]!["latencyMs"]!.GetValue<long>(), 0, 5_000);
        });
        Assert.All(receipts.Where(r => r.Reply.Status == 200 && r.Reply.Delay > TimeSpan.Zero), r =>
            Assert.True(Attempts(r)[0]!["latencyMs"]!.GetValue<long>() >= r.Reply.Delay.TotalMilliseconds - 20));
        var endpoint = await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.OK);
        Assert.Equal(0, endpoint["deadDeliveries"]!.GetValue<int>());

        var metrics = await (await Platform.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches("milestones_webhook_attempts_total\\{[^}]*result=\"delivered\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("milestones_webhook_attempts_total\\{[^}]*result=\"failed\"[^}]*\\} [1-9]", metrics);
    }

    [Fact]
    public async Task AStreamWhoseTargetHangs_HoldsUpNoOtherStream()
    {
        await using var hook = await HookAsync();
        var hangs = 0;
        hook.Receiver.Script = r => Type(r.Event) == "milestone.funded" && Interlocked.Increment(ref hangs) == 1 ? Reply.Hang : Reply.Ok;

        await DepositAsync(ClientId, 20_600);
        var stuck = await FundedAsync(10_000);
        var hung = (await hook.Receiver.WaitUntilAsync(r => r.Any(x => x.Reply == Reply.Hang), TimeSpan.FromSeconds(20), "the hung delivery"))
            .Single(x => x.Reply == Reply.Hang);
        var other = await CompletedAsync();

        // Every event of the other contract is acknowledged while the hung request is still open (the sender waits 10 s).
        var log = await LogAsync(other);
        var receipts = await hook.Receiver.WaitUntilAsync(
            r => log.All(e => r.Any(x => x.Acknowledged && x.EventId == EventId(other, e))), TimeSpan.FromSeconds(20), "the other contract's events");
        Assert.All(log, e => Assert.True(
            receipts.First(x => x.Acknowledged && x.EventId == EventId(other, e)).AnsweredAt < hung.ReceivedAt + WebhookSender.Timeout,
            $"{EventId(other, e)} waited for the hung delivery"));

        // The hung stream goes on after its timeout, in order.
        Assert.Equal("contract:" + stuck, hung.Stream);
        await WaitForAsync(hook, hung.EventId);
        AssertInOrderPerStream(hook.Receiver.Receipts);
    }

    [Fact]
    public async Task Replay_FromTheCursorBeforeTheEvents_DeliversThemAgain_SameIdsSameBodies()
    {
        await using var hook = await HookAsync();
        var id = await CreateActiveAsync(10_000);
        var log = await LogAsync(id);
        var first = await hook.Receiver.WaitUntilAsync(r => log.All(e => Acked(r).Contains(EventId(id, e))), TimeSpan.FromSeconds(20), "the events");
        var mine = first.Where(r => r.Stream == "contract:" + id).ToList();

        var replayed = await Json(await Platform.PostAsJsonAsync($"/v1/webhooks/{hook.Id}/replay", new { after = hook.Cursor }), HttpStatusCode.OK);

        Assert.Equal(hook.Cursor, replayed["cursor"]!.GetValue<string>());
        var all = await hook.Receiver.WaitUntilAsync(r => r.Count(x => x.Stream == "contract:" + id) == 2 * mine.Count, TimeSpan.FromSeconds(20), "the events again");
        var again = all.Skip(first.Count).Where(r => r.Stream == "contract:" + id).ToList();
        Assert.Equal(log.Select(e => EventId(id, e)), again.Select(r => r.EventId));
        Assert.Equal(mine.Select(r => r.Body), again.Select(r => r.Body));
        Assert.All(again, r => Assert.Equal(2, r.Attempt));
    }

    [Fact]
    public async Task AfterRotation_EachDeliveryCarriesAV1PerSecret_NewestFirst_BothValid()
    {
        await using var hook = await HookAsync();
        var id = await CreateAsync(10_000);
        var created = await WaitForAsync(hook, $"contract:{id}:1");
        AssertSigned(created, hook.Secret);

        var rotated = await Json(await Platform.PostAsync($"/v1/webhooks/{hook.Id}/rotate-secret", null), HttpStatusCode.OK);
        var secret = rotated["secret"]!.GetValue<string>();
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/accept", new { termsVersion = 1 }), HttpStatusCode.OK);

        Assert.NotEqual(hook.Secret, secret);
        AssertSigned(await WaitForAsync(hook, $"contract:{id}:2"), secret, hook.Secret);
        Assert.Null((await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.OK))["secret"]);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("hooks/milestones")]
    [InlineData("")]
    [InlineData("https://user:secret@example.com/hook")]
    public async Task ABadUrl_Is400InvalidWebhookUrl(string url) =>
        await Problem(await Platform.PostAsJsonAsync("/v1/webhooks", new { url }), HttpStatusCode.BadRequest, "invalid_webhook_url");

    [Fact]
    public async Task ABadType_Is400InvalidType() =>
        await Problem(await Platform.PostAsJsonAsync("/v1/webhooks", new { url = "https://example.com/hook", types = new[] { "milestone.funded", "Milestone funded" } }),
            HttpStatusCode.BadRequest, "invalid_type");

    [Fact]
    public async Task ACreate_RetriedWithItsIdempotencyKey_ReplaysItsFirstAnswer_SecretIncluded_AndMakesOneEndpoint()
    {
        var key = "hook-" + Guid.NewGuid().ToString("N");
        var url = "https://example.com/hooks/" + key;
        HttpRequestMessage Create(string target) =>
            new(HttpMethod.Post, "/v1/webhooks") { Content = JsonContent.Create(new { url = target, description = "keyed" }), Headers = { { "Idempotency-Key", key } } };

        // Three at once (a client that timed out and retried twice), then one more later.
        var racing = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Platform.SendAsync(Create(url))));
        using var later = await Platform.SendAsync(Create(url));
        var answers = racing.Append(later).ToList();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Single(answers, a => !a.Headers.Contains("Idempotent-Replayed"));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Single(answers.Select(a => a.Headers.Location).Distinct());
        var created = JsonNode.Parse(bodies[0])!;
        Assert.StartsWith("whsec_", (string?)created["secret"], StringComparison.Ordinal);
        var listed = (await Json(await Platform.GetAsync("/v1/webhooks"), HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Single(listed, w => (string?)w!["url"] == url);

        // The key with another request is refused and makes nothing.
        await Problem(await Platform.SendAsync(Create(url + "/other")), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.DoesNotContain((await Json(await Platform.GetAsync("/v1/webhooks"), HttpStatusCode.OK))["items"]!.AsArray(), w => (string?)w!["url"] == url + "/other");
        answers.ForEach(a => a.Dispose());
        await Json(await Platform.DeleteAsync($"/v1/webhooks/{created["id"]}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ADescriptionWithABidiOverride_Is400DescriptionInvalidCharacters() =>
        await Problem(await Platform.PostAsJsonAsync("/v1/webhooks", new { url = "https://example.com/hook", description = "Ours\u202E" }),
            HttpStatusCode.BadRequest, "description_invalid_characters");

    [Fact]
    public async Task Webhooks_AreThePlatformsOnly_AndAnUnknownOneIsNotFound()
    {
        await using var hook = await HookAsync();
        foreach (var party in new[] { Client, Freelancer })
        {
            await Problem(await party.PostAsJsonAsync("/v1/webhooks", new { url = "https://example.com/hook" }), HttpStatusCode.Forbidden, "role_not_allowed");
            await Problem(await party.GetAsync("/v1/webhooks"), HttpStatusCode.Forbidden, "role_not_allowed");
            await Problem(await party.GetAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.Forbidden, "role_not_allowed");
            await Problem(await party.DeleteAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.Forbidden, "role_not_allowed");
            await Problem(await party.PostAsync($"/v1/webhooks/{hook.Id}/rotate-secret", null), HttpStatusCode.Forbidden, "role_not_allowed");
            await Problem(await party.GetAsync($"/v1/webhooks/{hook.Id}/deliveries"), HttpStatusCode.Forbidden, "role_not_allowed");
        }

        const string unknown = "/v1/webhooks/wh_0000000000000000000000000000dead";
        await Problem(await Platform.GetAsync(unknown), HttpStatusCode.NotFound, "webhook_not_found");
        await Problem(await Platform.DeleteAsync(unknown), HttpStatusCode.NotFound, "webhook_not_found");
        await Problem(await Platform.PostAsync($"{unknown}/rotate-secret", null), HttpStatusCode.NotFound, "webhook_not_found");
        await Problem(await Platform.PostAsJsonAsync($"{unknown}/replay", new { after = "0" }), HttpStatusCode.NotFound, "webhook_not_found");
        await Problem(await Platform.GetAsync($"{unknown}/deliveries"), HttpStatusCode.NotFound, "webhook_not_found");
        await Problem(await Platform.PostAsync($"{unknown}/deliveries/d1/retry", null), HttpStatusCode.NotFound, "webhook_not_found");
    }

    [Fact]
    public async Task TheList_ShowsTheEndpointsWithoutSecrets_AndADeletedOneIsGone_AndGetsNothingMore()
    {
        await using var kept = await HookAsync();
        await using var deleted = await HookAsync("contract.created");

        var response = await Platform.GetAsync("/v1/webhooks");
        var list = (await Json(response, HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(kept.Receiver.Url, list.Single(w => w!["id"]!.GetValue<string>() == kept.Id)!["url"]!.GetValue<string>());
        Assert.Equal(["contract.created"], list.Single(w => w!["id"]!.GetValue<string>() == deleted.Id)!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.All(list, w => Assert.Null(w!["secret"]));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(kept.Secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(deleted.Secret, raw, StringComparison.Ordinal);

        await Json(await Platform.DeleteAsync($"/v1/webhooks/{deleted.Id}"), HttpStatusCode.OK);
        await Problem(await Platform.GetAsync($"/v1/webhooks/{deleted.Id}"), HttpStatusCode.NotFound, "webhook_not_found");
        Assert.DoesNotContain((await Json(await Platform.GetAsync("/v1/webhooks"), HttpStatusCode.OK))["items"]!.AsArray(), w => w!["id"]!.GetValue<string>() == deleted.Id);

        // The endpoint still there has the new contract's event; the deleted one, polling as often, has nothing.
        var id = await CreateAsync(10_000);
        await WaitForAsync(kept, $"contract:{id}:1");
        await Task.Delay(WebhookGrain.Poll * 4);
        Assert.Empty(deleted.Receiver.Receipts);
    }

    private async Task<string> CompletedAsync()
    {
        var id = await SubmittedAsync(10_000);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/approve", new { message = "Great" }), HttpStatusCode.OK);
        return id;
    }

    /// <summary>
    /// Per stream, in the order they came, the requests (failed ones too) never go back in seq, and a stream's next
    /// event comes only after the one before it was acknowledged; a contract's seqs go up one at a time.
    /// </summary>
    private static void AssertInOrderPerStream(IReadOnlyList<Receipt> receipts)
    {
        foreach (var stream in receipts.GroupBy(r => r.Stream))
        {
            var list = stream.OrderBy(r => r.Number).ToList();
            for (var i = 1; i < list.Count; i++)
            {
                var (before, after) = (list[i - 1], list[i]);
                Assert.True(after.Seq >= before.Seq, $"{stream.Key}: seq {after.Seq} came after seq {before.Seq}.");
                if (after.Seq > before.Seq)
                {
                    Assert.True(before.Acknowledged && before.AnsweredAt <= after.ReceivedAt,
                        $"{stream.Key}: seq {after.Seq} came at {after.ReceivedAt} before seq {before.Seq} was acknowledged ({before.Status} at {before.AnsweredAt}).");
                    Assert.True(!stream.Key.StartsWith("contract:", StringComparison.Ordinal) || after.Seq == before.Seq + 1, $"{stream.Key}: seq {after.Seq} after {before.Seq}.");
                }
            }
        }
    }
}

/// <summary>Dead letters: a delivery whose retries run out is dead, its stream goes on, and it can be retried by hand.</summary>
[Collection(ShortRetryCollection.Name)]
public sealed class WebhookDeadLetterApiTests(ShortRetryApiFactory factory) : WebhookApiTest(factory)
{
    [Fact]
    public async Task AFailingDelivery_BecomesDead_ItsStreamGoesOn_AndARetryByHandDeliversIt()
    {
        await using var hook = await HookAsync();
        hook.Receiver.Script = _ => Reply.Fail;
        var id = await CreateActiveAsync(10_000);
        var log = await LogAsync(id);

        JsonArray dead = [];
        await EventuallyAsync(async () =>
        {
            dead = (await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}/deliveries?status=dead"), HttpStatusCode.OK))["items"]!.AsArray();
            return log.All(e => dead.Any(d => d!["eventId"]!.GetValue<string>() == EventId(id, e)));
        }, TimeSpan.FromSeconds(20), "the contract's deliveries to be dead");

        // Each was tried once (its retry would have been past the 2 s window), in order: a dead one let the next go.
        var tried = hook.Receiver.Receipts.Where(r => r.Stream == "contract:" + id).ToList();
        Assert.Equal(log.Select(e => EventId(id, e)), tried.Select(r => r.EventId));
        Assert.All(tried.Zip(tried.Skip(1)), pair => Assert.True(pair.First.AnsweredAt <= pair.Second.ReceivedAt));
        Assert.All(dead, d => Assert.Equal(("dead", 1, 500), (d!["status"]!.GetValue<string>(), d["attemptCount"]!.GetValue<int>(), d["attempts"]![0]!["status"]!.GetValue<int>())));
        Assert.True((await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}"), HttpStatusCode.OK))["deadDeliveries"]!.GetValue<int>() >= log.Length);

        // The receiver is back: the stream's next event goes out at once, and the first dead one when retried.
        hook.Receiver.Script = _ => Reply.Ok;
        await DepositAsync(ClientId, 10_300);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        var funded = EventId(id, (await LogAsync(id)).Single(e => Type(e) == "milestone.funded"));
        await WaitForAsync(hook, funded);

        var deliveryId = dead.Single(d => d!["eventId"]!.GetValue<string>() == EventId(id, log[0]))!["id"]!.GetValue<string>();
        var retried = await Json(await Platform.PostAsync($"/v1/webhooks/{hook.Id}/deliveries/{deliveryId}/retry", null), HttpStatusCode.OK);
        Assert.Equal(("pending", 0), (retried["status"]!.GetValue<string>(), retried["attemptCount"]!.GetValue<int>()));
        var again = await WaitForAsync(hook, EventId(id, log[0]));

        Assert.Equal(2, again.Attempt);
        AssertSigned(again, hook.Secret);
        JsonNode? delivered = null;
        await EventuallyAsync(async () =>
        {
            var page = await Json(await Platform.GetAsync($"/v1/webhooks/{hook.Id}/deliveries?status=delivered"), HttpStatusCode.OK);
            delivered = page["items"]!.AsArray().SingleOrDefault(d => d!["id"]!.GetValue<string>() == deliveryId);
            return delivered is not null;
        }, TimeSpan.FromSeconds(10), "the retried delivery to be recorded");
        Assert.Equal([500, 200], delivered!["attempts"]!.AsArray().Select(a => a!["status"]!.GetValue<int>()));
        await Problem(await Platform.PostAsync($"/v1/webhooks/{hook.Id}/deliveries/{deliveryId}/retry", null), HttpStatusCode.Conflict, "delivery_not_dead");
        await Problem(await Platform.PostAsync($"/v1/webhooks/{hook.Id}/deliveries/d999999/retry", null), HttpStatusCode.NotFound, "delivery_not_found");
    }
}

/// <summary>Outside Development a webhook may not point at a private, loopback or link-local address.</summary>
public sealed class ProductionWebhookApiTests(ProductionApiFactory factory) : IClassFixture<ProductionApiFactory>
{
    [Theory]
    [InlineData("http://127.0.0.1:5000/hooks")]
    [InlineData("http://localhost:5000/hooks")]
    [InlineData("http://10.0.0.8/hooks")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://[64:ff9b::7f00:1]/hooks")]
    [InlineData("http://[::127.0.0.1]/hooks")]
    [InlineData("http://[2002:a9fe:a9fe::]/hooks")]
    public async Task APrivateTarget_Is400InvalidWebhookUrl(string url)
    {
        var response = await factory.ClientFor("ops", platform: true).PostAsJsonAsync("/v1/webhooks", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":\"invalid_webhook_url\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>Base of the webhook API tests: endpoints pointing at receivers of their own, and the checks of what they received.</summary>
public abstract class WebhookApiTest(ApiFactory factory) : ApiTest(factory)
{
    /// <summary>A receiver and an endpoint sending to it (every event unless <paramref name="types"/>); disposing it deletes the endpoint and stops the receiver.</summary>
    protected async Task<Hook> HookAsync(params string[] types)
    {
        var receiver = await WebhookReceiver.StartAsync();
        try
        {
            var created = await Json(await Platform.PostAsJsonAsync("/v1/webhooks",
                new { url = receiver.Url, types = types.Length > 0 ? types : null, description = "A test receiver" }), HttpStatusCode.Created);
            return new Hook(Platform, receiver, created["id"]!.GetValue<string>(), created["secret"]!.GetValue<string>(), created["cursor"]!.GetValue<string>());
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    protected async Task<JsonNode[]> LogAsync(string contractId) =>
        [.. (await Json(await Client.GetAsync($"/v1/contracts/{contractId}/events?limit=100"), HttpStatusCode.OK))["events"]!.AsArray().Select(e => e!)];

    /// <summary>Every feed event after <paramref name="after"/> (all pages).</summary>
    protected async Task<List<JsonNode>> FeedAsync(string after)
    {
        var events = new List<JsonNode>();
        for (var page = 0; page < 100; page++)
        {
            var read = await Json(await Platform.GetAsync($"/v1/events?after={after}&limit=500"), HttpStatusCode.OK);
            var items = read["items"]!.AsArray();
            if (items.Count == 0)
            {
                return events;
            }

            events.AddRange(items.Select(e => e!));
            after = read["nextCursor"]!.GetValue<string>();
        }

        throw new InvalidOperationException("The feed has more than 100 pages.");
    }

    /// <summary>The first acknowledged request for <paramref name="eventId"/>, waited for at most 20 s.</summary>
    protected static async Task<Receipt> WaitForAsync(Hook hook, string eventId) =>
        (await hook.Receiver.WaitUntilAsync(r => r.Any(x => x.Acknowledged && x.EventId == eventId), TimeSpan.FromSeconds(20), eventId))
            .First(x => x.Acknowledged && x.EventId == eventId);

    protected static async Task EventuallyAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {timeout.TotalSeconds:0} s for {what}.");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The request's signature, checked as a receiver would without our code: <c>t</c> is about when it came, and there
    /// is one <c>v1</c> per secret, in this order, each the hex HMAC-SHA256 of <c>"{t}.{body}"</c> keyed by the secret.
    /// </summary>
    internal static void AssertSigned(Receipt receipt, params string[] secrets)
    {
        var parts = receipt.Signature.Split(',');
        Assert.StartsWith("t=", parts[0], StringComparison.Ordinal);
        var t = parts[0][2..];
        Assert.InRange(long.Parse(t, CultureInfo.InvariantCulture), receipt.At.ToUnixTimeSeconds() - 30, receipt.At.ToUnixTimeSeconds() + 1);
        Assert.Equal(secrets.Select(s => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes($"{t}.{receipt.Body}")))), parts[1..]);
        Assert.All(secrets, s => Assert.True(WebhookSignature.Verify(receipt.Signature, receipt.Body, s)));
    }

    protected static HashSet<string> Acked(IReadOnlyList<Receipt> receipts) => [.. receipts.Where(r => r.Acknowledged).Select(r => r.EventId)];

    protected static string Id(JsonNode e) => e["id"]!.GetValue<string>();

    /// <summary>The feed's id of <paramref name="e"/>, an event of the contract's own log.</summary>
    protected static string EventId(string contractId, JsonNode e) => $"contract:{contractId}:{Seq(e)}";

    protected static string Type(JsonNode e) => e["type"]!.GetValue<string>();

    protected static long Seq(JsonNode e) => e["seq"]!.GetValue<long>();

    /// <summary>A test's endpoint: its receiver, id, secret (from its creation) and the feed cursor it started at.</summary>
    protected sealed class Hook(HttpClient platform, WebhookReceiver receiver, string id, string secret, string cursor) : IAsyncDisposable
    {
        public WebhookReceiver Receiver => receiver;

        public string Id => id;

        public string Secret => secret;

        public string Cursor => cursor;

        public async ValueTask DisposeAsync()
        {
            // 404 if the test deleted it already.
            using var response = await platform.DeleteAsync($"/v1/webhooks/{id}");
            await receiver.DisposeAsync();
        }
    }
}
