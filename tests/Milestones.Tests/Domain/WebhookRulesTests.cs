using System.Net;
using System.Security.Cryptography;
using System.Text;
using Milestones.Contracts;
using Milestones.Webhooks;

namespace Milestones.Tests.Domain;

/// <summary>
/// The rules of a webhook endpoint without I/O: one delivery at a time per stream, backoff with jitter until the
/// retry window closes, dead letters and their retry, replay, secret rotation, trimming; the signature header; which
/// targets are refused.
/// </summary>
public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromDays(3);

    [Fact]
    public void Due_GivesTheFirstPendingDeliveryOfEachStream_AndTheNextOnlyOnceTheFirstIsDelivered()
    {
        var webhook = New(ThreeDays);
        var a1 = Take(webhook, "contract:a");
        var a2 = Take(webhook, "contract:a");
        var b1 = Take(webhook, "account:b");
        Take(webhook, "contract:a");

        Assert.Equal([a1, b1], Due(webhook, T0));
        Assert.Equal([a1], Due(webhook, T0, max: 1));

        webhook.Record(a1, Failed(T0), jitter: 0.5);
        Assert.Equal([b1], Due(webhook, T0 + TimeSpan.FromSeconds(1)));
        Assert.Equal([b1, a1], Due(webhook, T0 + TimeSpan.FromSeconds(5)));

        webhook.Record(a1, Ok(T0 + TimeSpan.FromSeconds(5)), jitter: 0.5);
        Assert.Equal(DeliveryStatus.Delivered, Find(webhook, a1).Status);
        Assert.Null(Find(webhook, a1).Body);
        Assert.Equal([a2, b1], Due(webhook, T0 + TimeSpan.FromSeconds(5)).Order());
    }

    [Fact]
    public void Due_SkipsAStreamWhoseFirstDeliveryIsBeingSent_AndNeverGivesItsNext()
    {
        var webhook = New(ThreeDays);
        var a1 = Take(webhook, "contract:a");
        Take(webhook, "contract:a");
        var b1 = Take(webhook, "account:b");

        Assert.Equal([b1], webhook.Due(T0, 16, new HashSet<string> { a1 }).Select(d => d.Id));
        Assert.Empty(webhook.Due(T0, 16, new HashSet<string> { a1, b1 }));
    }

    [Fact]
    public void Backoff_DoublesFromFiveSeconds_UpToAnHour_TimesAFactorInHalfToOneAndAHalf()
    {
        int[] steps = [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600];
        double[] jitters = [0, 0.5, 0.999_999, 0.25];
        var webhook = New(TimeSpan.FromDays(30));
        var id = Take(webhook, "contract:a");
        var at = T0;

        for (var i = 0; i < steps.Length; i++)
        {
            var jitter = jitters[i % jitters.Length];
            webhook.Record(id, Failed(at), jitter);

            var step = TimeSpan.FromSeconds(steps[i]);
            var delay = Find(webhook, id).NextAttemptAt!.Value - at;
            Assert.Equal(step * (0.5 + jitter), delay);
            Assert.InRange(delay, step / 2, (step * 1.5) - TimeSpan.FromTicks(1));
            Assert.Equal((DeliveryStatus.Pending, i + 1), (Find(webhook, id).Status, Find(webhook, id).AttemptCount));
            at += delay;
        }
    }

    [Fact]
    public void ADelivery_IsDead_ExactlyWhenItsNextAttemptWouldBePastItsGiveUpAt()
    {
        // Made at T0, retried for a minute: a first failure at 57.5 s with no jitter is retried 2.5 s later, at 60 s.
        var lastChance = New(TimeSpan.FromMinutes(1));
        var kept = Take(lastChance, "contract:a");
        var tooLate = New(TimeSpan.FromMinutes(1));
        var dead = Take(tooLate, "contract:a");
        var giveUpAt = T0 + TimeSpan.FromMinutes(1);
        Assert.Equal(giveUpAt, Find(lastChance, kept).GiveUpAt);

        lastChance.Record(kept, Failed(T0 + TimeSpan.FromSeconds(57.5)), jitter: 0);
        tooLate.Record(dead, Failed(T0 + TimeSpan.FromSeconds(57.5) + TimeSpan.FromTicks(1)), jitter: 0);

        Assert.Equal((DeliveryStatus.Pending, giveUpAt), (Find(lastChance, kept).Status, Find(lastChance, kept).NextAttemptAt));
        Assert.Equal((DeliveryStatus.Dead, (DateTimeOffset?)null), (Find(tooLate, dead).Status, Find(tooLate, dead).NextAttemptAt));
        Assert.NotNull(Find(tooLate, dead).Body);
        Assert.Empty(Due(tooLate, DateTimeOffset.MaxValue));
    }

    [Fact]
    public void ADeadDelivery_UnblocksItsStream()
    {
        var webhook = New(TimeSpan.FromSeconds(1));
        var first = Take(webhook, "contract:a");
        var second = Take(webhook, "contract:a");

        webhook.Record(first, Failed(T0), jitter: 0);

        Assert.Equal(DeliveryStatus.Dead, Find(webhook, first).Status);
        Assert.Equal([second], Due(webhook, T0));
    }

    [Fact]
    public void Retry_TakesOnlyADeadDelivery_AndGivesItAWholeWindowAgain()
    {
        var webhook = New(TimeSpan.FromMinutes(1));
        var dead = Take(webhook, "contract:a");
        var delivered = Take(webhook, "account:b");
        var pending = Take(webhook, "contract:a");
        webhook.Record(dead, Failed(T0), jitter: 0);
        webhook.Record(dead, Failed(T0 + TimeSpan.FromSeconds(59)), jitter: 0);
        webhook.Record(delivered, Ok(T0), jitter: 0);
        Assert.Equal(DeliveryStatus.Dead, Find(webhook, dead).Status);

        Assert.Null(webhook.Retry(delivered, T0));
        Assert.Null(webhook.Retry(pending, T0));
        Assert.Null(webhook.Retry("d99", T0));
        Assert.Equal(DeliveryStatus.Delivered, Find(webhook, delivered).Status);

        var later = T0 + TimeSpan.FromHours(1);
        var retried = webhook.Retry(dead, later);

        Assert.Same(Find(webhook, dead), retried);
        Assert.Equal((DeliveryStatus.Pending, 0, later, later + TimeSpan.FromMinutes(1)),
            (retried!.Status, retried.AttemptCount, retried.NextAttemptAt, retried.GiveUpAt));
        Assert.Equal([dead], Due(webhook, later));
        webhook.Record(dead, Failed(later), jitter: 0);
        Assert.Equal((DeliveryStatus.Pending, later + TimeSpan.FromSeconds(2.5)), (retried.Status, retried.NextAttemptAt));
    }

    [Fact]
    public void Replay_DropsThePendingDeliveriesAfterTheCursor_AndMovesTheCursorBackToIt()
    {
        var webhook = New(ThreeDays);
        var p1 = Take(webhook, "contract:a");
        var p2 = Take(webhook, "contract:b");
        var p3 = Take(webhook, "contract:c");
        var p4 = Take(webhook, "contract:d");
        webhook.Record(p3, Ok(T0), jitter: 0);
        Assert.Equal(4, webhook.ReadThrough);

        webhook.Replay(2);

        Assert.Equal(2, webhook.ReadThrough);
        Assert.Equal([p1, p2, p3], webhook.All().Select(d => d.Id));
        webhook.Record(p4, Failed(T0), jitter: 0);
        Assert.Equal([p1, p2, p3], webhook.All().Select(d => d.Id));

        // Read again from the cursor: events 3 and 4 get new deliveries.
        var again3 = Take(webhook, "contract:c", position: 3);
        var again4 = Take(webhook, "contract:d", position: 4);
        Assert.Equal([p1, p2, again3, again4], Due(webhook, T0).Order());
        Assert.Equal(4, webhook.ReadThrough);
    }

    [Fact]
    public void Replay_AfterAPositionNotYetRead_SkipsNothing()
    {
        var webhook = New(ThreeDays);
        var p1 = Take(webhook, "contract:a");

        webhook.Replay(50);

        Assert.Equal(1, webhook.ReadThrough);
        Assert.Equal([p1], Due(webhook, T0));
    }

    [Fact]
    public void RotateSecret_BothSecretsSignFor24Hours_ThenOnlyTheNewOne()
    {
        var webhook = New(ThreeDays);
        webhook.Create("wh_1", "https://example.com/hook", [], null, 0, T0);
        var first = webhook.State.Secrets[0].Value;
        Assert.Equal([first], webhook.SigningSecrets(T0));

        var rotatedAt = T0 + TimeSpan.FromHours(1);
        var second = webhook.RotateSecret(rotatedAt);

        Assert.NotEqual(first, second);
        Assert.Matches("^whsec_[0-9a-f]{64}$", second);
        Assert.Equal([second, first], webhook.SigningSecrets(rotatedAt));
        Assert.Equal([second, first], webhook.SigningSecrets(rotatedAt + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1)));
        Assert.Equal([second], webhook.SigningSecrets(rotatedAt + TimeSpan.FromHours(24)));

        var third = webhook.RotateSecret(rotatedAt + TimeSpan.FromDays(2));
        Assert.Equal([third, second], webhook.State.Secrets.Select(s => s.Value));
    }

    [Fact]
    public void RotatingAgainWithinTheOverlap_DoesNotExtendTheOldestSecret()
    {
        var webhook = New(ThreeDays);
        webhook.Create("wh_1", "https://example.com/hook", [], null, 0, T0);
        var first = webhook.State.Secrets[0].Value;
        var second = webhook.RotateSecret(T0);
        var third = webhook.RotateSecret(T0 + TimeSpan.FromHours(1));

        Assert.Equal([third, second, first], webhook.SigningSecrets(T0 + TimeSpan.FromHours(23)));
        Assert.Equal([third, second], webhook.SigningSecrets(T0 + TimeSpan.FromHours(24)));
        Assert.Equal([third], webhook.SigningSecrets(T0 + TimeSpan.FromHours(25)));
    }

    [Fact]
    public void Trimming_KeepsEveryPending_TheLast100Delivered_AndTheLast1000Dead()
    {
        var webhook = New(TimeSpan.FromSeconds(1));
        string[] ids = [.. Enumerable.Range(1, 1500).Select(i => Take(webhook, $"contract:c{i}"))];

        foreach (var id in ids[..250])
        {
            webhook.Record(id, Ok(T0), jitter: 0);
        }

        foreach (var id in ids[250..1300])
        {
            webhook.Record(id, Failed(T0), jitter: 0);
        }

        Assert.Equal(ids[150..250], Ids(webhook, DeliveryStatus.Delivered));
        Assert.Equal(ids[300..1300], Ids(webhook, DeliveryStatus.Dead));
        Assert.Equal(ids[1300..], Ids(webhook, DeliveryStatus.Pending));
        Assert.Equal((Webhook.KeepDelivered, Webhook.KeepDead), (100, 1000));
    }

    [Fact]
    public void ADeliveryNeverAttempted_IsNotStored_AndTheStoredCursorStaysBeforeIt()
    {
        var webhook = New(ThreeDays);
        var p1 = Take(webhook, "contract:a");
        var p2 = Take(webhook, "contract:b");
        var p3 = Take(webhook, "contract:c");
        Assert.Equal((0L, 3L), (webhook.State.Cursor, webhook.ReadThrough));
        Assert.Empty(webhook.State.Deliveries);

        webhook.Record(p2, Failed(T0), jitter: 0);
        Assert.Equal(0, webhook.State.Cursor);
        Assert.Equal([p2], webhook.State.Deliveries.Select(d => d.Id));

        webhook.Record(p1, Ok(T0), jitter: 0);
        Assert.Equal(2, webhook.State.Cursor);

        webhook.Record(p3, Ok(T0), jitter: 0);
        Assert.Equal(3, webhook.State.Cursor);
        Assert.Equal([p1, p2, p3], webhook.State.Deliveries.Select(d => d.Id).Order());

        // After a crash the stored state is all there is: the attempted delivery, and the feed read again after the cursor.
        var restored = new Webhook(webhook.State, ThreeDays);
        Assert.Equal((3L, 1), (restored.ReadThrough, restored.Pending));
    }

    [Fact]
    public void ADelivery_KeepsItsLast10Attempts_AndCountsThemAll()
    {
        var webhook = New(TimeSpan.FromDays(30));
        var id = Take(webhook, "contract:a");

        for (var i = 0; i < 12; i++)
        {
            webhook.Record(id, Failed(T0 + TimeSpan.FromHours(i)), jitter: 0);
        }

        var delivery = Find(webhook, id);
        Assert.Equal(12, delivery.AttemptCount);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => T0 + TimeSpan.FromHours(i)), delivery.Attempts.Select(a => a.At));
    }

    [Fact]
    public void Due_ReadsOnlyAsMuchOfTheQueueAsItNeeds_AndStillGivesTheOldestHeadsFirst()
    {
        var webhook = New(ThreeDays);
        var a1 = Take(webhook, "contract:a");
        Take(webhook, "contract:a");
        var b1 = Take(webhook, "contract:b");
        var c1 = Take(webhook, "contract:c");
        var d1 = Take(webhook, "contract:d");

        Assert.Equal([a1, b1], Due(webhook, T0, max: 2));

        // a1's retry is stored and due later than every queued head: those come first, as many as asked for.
        webhook.Record(a1, Failed(T0), jitter: 0.5);
        var later = T0 + TimeSpan.FromSeconds(5);
        Assert.Equal([b1, c1], Due(webhook, later, max: 2));
        Assert.Equal([b1, c1, d1, a1], Due(webhook, later, max: 16));
        Assert.Equal([c1, d1], webhook.Due(later, 2, new HashSet<string> { b1 }).Select(d => d.Id));
    }

    [Fact]
    public void ASignature_VerifiesWithEachSigningSecret_AndNotForAnotherBodyTimeOrSecret()
    {
        const string body = """{"id":"contract:c_1:1","type":"contract.created"}""";
        var header = WebhookSignature.Sign(1_767_225_600, Encoding.UTF8.GetBytes(body), ["whsec_new", "whsec_old"]);

        Assert.True(WebhookSignature.Verify(header, body, "whsec_new"));
        Assert.True(WebhookSignature.Verify(header, body, "whsec_old"));
        Assert.False(WebhookSignature.Verify(header, body + " ", "whsec_new"));
        Assert.False(WebhookSignature.Verify(header, body.Replace("c_1", "c_2", StringComparison.Ordinal), "whsec_old"));
        Assert.False(WebhookSignature.Verify(header, body, "whsec_other"));
        Assert.False(WebhookSignature.Verify(header.Replace("t=1767225600", "t=1767225601", StringComparison.Ordinal), body, "whsec_new"));
        Assert.False(WebhookSignature.Verify(header[(header.IndexOf(',', StringComparison.Ordinal) + 1)..], body, "whsec_new"));
    }

    [Fact]
    public void TheHeader_IsTheHexHmacSha256OfTimeDotBody_KeyedByEachSecret_InUtf8()
    {
        const string body = """{"id":"contract:c_1:1","message":"café ✓"}""";
        const string expected = "t=1767225600"
            + ",v1=0536f2af7cab2420500e4fa17655624b83249c367d8550d318c6f50156fd4631"
            + ",v1=91098b393c238643262b91ef3f7fe5a8180e8061c72351de182dd4f843bef9f2";

        Assert.Equal(expected, WebhookSignature.Sign(1_767_225_600, Encoding.UTF8.GetBytes(body), ["whsec_new", "whsec_old"]));
        Assert.Equal(expected, $"t=1767225600,v1={Hmac("whsec_new", "1767225600." + body)},v1={Hmac("whsec_old", "1767225600." + body)}");
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("hooks/in")]
    [InlineData("/hooks")]
    [InlineData("")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:secret@example.com/hook")]
    [InlineData("https://example.com/hook#part")]
    public void ATargetThatIsNotAPlainHttpUrl_IsRefused_EvenWhenPrivateTargetsAreAllowed(string url)
    {
        Assert.NotNull(WebhookTargets.Refusal(url, allowPrivate: false));
        Assert.NotNull(WebhookTargets.Refusal(url, allowPrivate: true));
    }

    [Fact]
    public void ATargetOfMoreThan2048Characters_IsRefused() =>
        Assert.NotNull(WebhookTargets.Refusal("https://example.com/" + new string('a', 2029), allowPrivate: true));

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://127.1.2.3/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://172.31.255.255/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://100.127.255.255/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[fd12:3456::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://LOCALHOST/")]
    [InlineData("http://x.localhost/")]
    [InlineData("http://localhost./")]
    [InlineData("http://x.localhost./")]
    [InlineData("http://127.0.0.1./")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.1/")]
    public void APrivateLoopbackOrLinkLocalTarget_IsRefused_UnlessPrivateTargetsAreAllowed(string url)
    {
        Assert.NotNull(WebhookTargets.Refusal(url, allowPrivate: false));
        Assert.Null(WebhookTargets.Refusal(url, allowPrivate: true));
    }

    /// <summary>IPv6 forms that carry an IPv4 address (and reach it through a translator or tunnel) are judged by it.</summary>
    [Theory]
    [InlineData("http://[::ffff:7f00:1]/")] // IPv4-mapped 127.0.0.1
    [InlineData("http://[::127.0.0.1]/")] // IPv4-compatible 127.0.0.1
    [InlineData("http://[::a00:1]/")] // IPv4-compatible 10.0.0.1
    [InlineData("http://[64:ff9b::7f00:1]/")] // NAT64 127.0.0.1
    [InlineData("http://[64:ff9b::10.1.2.3]/")] // NAT64 10.1.2.3
    [InlineData("http://[64:ff9b::a9fe:a9fe]/")] // NAT64 169.254.169.254
    [InlineData("http://[64:ff9b::c0a8:101]/")] // NAT64 192.168.1.1
    [InlineData("http://[64:ff9b:1::7f00:1]/")] // local-use NAT64 127.0.0.1
    [InlineData("http://[64:ff9b:1:2:3:4:ac10:1]/")] // local-use NAT64 172.16.0.1
    [InlineData("http://[2002:7f00:1::]/")] // 6to4 127.0.0.1
    [InlineData("http://[2002:a9fe:a9fe::1]/")] // 6to4 169.254.169.254
    [InlineData("http://[2002:a00:1:1::1]/")] // 6to4 10.0.0.1
    [InlineData("http://[2001:0:808:808:0:0:80ff:fffe]/")] // Teredo, client 127.0.0.1 (inverted) behind server 8.8.8.8
    [InlineData("http://[2001:0:808:808:0:0:f5ff:fffe]/")] // Teredo, client 10.0.0.1 (inverted) behind server 8.8.8.8
    [InlineData("http://[2001:0:7f00:1:0:0:f7f7:f7f7]/")] // Teredo, server 127.0.0.1 for client 8.8.8.8
    public void AnIPv6AddressThatEmbedsAPrivateIPv4_IsRefused_UnlessPrivateTargetsAreAllowed(string url)
    {
        Assert.NotNull(WebhookTargets.Refusal(url, allowPrivate: false));
        Assert.Null(WebhookTargets.Refusal(url, allowPrivate: true));
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse(new Uri(url).Host)));
    }

    [Theory]
    [InlineData("http://[::808:808]/")] // IPv4-compatible 8.8.8.8
    [InlineData("http://[64:ff9b::808:808]/")] // NAT64 8.8.8.8
    [InlineData("http://[64:ff9b:1::5db8:d70e]/")] // local-use NAT64 93.184.215.14
    [InlineData("http://[2002:808:808::1]/")] // 6to4 8.8.8.8
    [InlineData("http://[2001:0:808:808:0:0:a247:28f1]/")] // Teredo, server 8.8.8.8, client 93.184.215.14 (inverted)
    public void AnIPv6AddressThatEmbedsAPublicIPv4_IsAccepted(string url)
    {
        Assert.Null(WebhookTargets.Refusal(url, allowPrivate: false));
        Assert.True(WebhookTargets.IsPublic(IPAddress.Parse(new Uri(url).Host)));
    }

    [Theory]
    [InlineData("https://example.com/hooks/milestones")]
    [InlineData("http://hooks.example.com:8443/in?key=1")]
    [InlineData("https://localhost.example.com/")]
    [InlineData("https://8.8.8.8/")]
    [InlineData("http://172.15.255.255/")]
    [InlineData("http://172.32.0.1/")]
    [InlineData("http://100.63.255.255/")]
    [InlineData("http://100.128.0.1/")]
    [InlineData("http://192.169.0.1/")]
    [InlineData("https://[2001:4860:4860::8888]/")]
    public void APublicTarget_IsAccepted(string url)
    {
        Assert.Null(WebhookTargets.Refusal(url, allowPrivate: false));
        Assert.Null(WebhookTargets.Refusal(url, allowPrivate: true));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("ff02::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("93.184.215.14", true)]
    [InlineData("::ffff:93.184.215.14", true)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true)]
    public void IsPublic_TellsAConnectableAddressFromAPrivateOne(string address, bool expected) =>
        Assert.Equal(expected, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    private static Webhook New(TimeSpan retryFor) => new(new WebhookState(), retryFor);

    /// <summary>A delivery for the next event of <paramref name="stream"/>, read at the next feed position (or at <paramref name="position"/>) at T0.</summary>
    private static string Take(Webhook webhook, string stream, long? position = null)
    {
        var at = position ?? webhook.ReadThrough + 1;
        var e = new FeedEvent($"{stream}:{at}", "milestone.funded", T0, "client-1", at, stream, null, new Dictionary<string, string>(), null, []);
        webhook.Take(at, e, stream, """{"id":"x"}""", T0);
        return webhook.Queued[^1].Id;
    }

    private static string[] Due(Webhook webhook, DateTimeOffset now, int max = 16) => [.. webhook.Due(now, max).Select(d => d.Id)];

    private static Delivery Find(Webhook webhook, string id) => webhook.Find(id)!;

    private static string[] Ids(Webhook webhook, DeliveryStatus status) => [.. webhook.All().Where(d => d.Status == status).Select(d => d.Id)];

    private static DeliveryAttempt Ok(DateTimeOffset at) => new(at, 200, 12, null);

    private static DeliveryAttempt Failed(DateTimeOffset at) => new(at, 500, 12, "HTTP 500");

    private static string Hmac(string secret, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));
}
