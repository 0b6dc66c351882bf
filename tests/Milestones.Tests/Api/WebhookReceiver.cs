using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Milestones.Tests.Api;

/// <summary>
/// A webhook target for the tests: Kestrel on a free loopback port, taking any request. It records each one (headers,
/// body, when it came, when and what it answered) and answers as <see cref="Script"/> says: a status, possibly late,
/// or no answer at all (the connection closed, at once or after a hang). A request whose sender goes away before the
/// answer (a killed silo) is noted as such (<see cref="Receipt.SenderGone"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Receipt> receipts = [];
    private int inFlight;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>The URL to give the webhook.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Decides the answer to each request as it comes (called one request at a time); 200 at once unless set.</summary>
    public Func<Receipt, Reply> Script { get; set; } = _ => Reply.Ok;

    /// <summary>The receiver's clock, which <see cref="Receipt.ReceivedAt"/> and <see cref="Receipt.AnsweredAt"/> are on.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>Requests received and neither answered nor closed yet.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Every request so far, in the order they came.</summary>
    public IReadOnlyList<Receipt> Receipts
    {
        get
        {
            lock (receipts)
            {
                return [.. receipts];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.Run(receiver.AnswerAsync);
        await receiver.app.StartAsync();
        receiver.Url = receiver.app.Urls.Single() + "/hooks/milestones";
        return receiver;
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until the receipts satisfy <paramref name="done"/>; fails with <paramref name="what"/> if they never do.</summary>
    public async Task<IReadOnlyList<Receipt>> WaitUntilAsync(Func<IReadOnlyList<Receipt>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = clock.Elapsed + timeout;
        while (!done(Receipts))
        {
            Assert.True(clock.Elapsed < deadline, $"Waited {timeout.TotalSeconds:0} s for {what}; received {Receipts.Count} requests.");
            await Task.Delay(100);
        }

        return Receipts;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Receipt receipt;
        lock (receipts)
        {
            var eventId = headers.GetValueOrDefault("Milestones-Event-Id", "");
            receipt = new Receipt(receipts.Count, headers, body, DateTimeOffset.UtcNow, clock.Elapsed, receipts.Count(r => r.EventId == eventId) + 1);
            receipt = receipt with { Reply = Script(receipt) };
            receipts.Add(receipt);
            inFlight++;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        try
        {
            await Task.Delay(receipt.Reply.Delay, wait.Token);
        }
        catch (OperationCanceledException)
        {
        }

        // Noted before the answer is written: the sender cannot have it (nor send what waits for it) any earlier.
        var closed = receipt.Reply.Close || wait.IsCancellationRequested;
        lock (receipts)
        {
            receipts[receipt.Number] = closed
                ? receipt with { SenderGone = context.RequestAborted.IsCancellationRequested && !receipt.Reply.Close }
                : receipt with { AnsweredAt = clock.Elapsed, Status = receipt.Reply.Status };
            inFlight--;
        }

        if (closed)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = receipt.Reply.Status;
    }
}

/// <summary>How the receiver answers a request: <see cref="Status"/> after <see cref="Delay"/>, or (<see cref="Close"/>) no answer, the connection closed after it.</summary>
public sealed record Reply(int Status, TimeSpan Delay = default, bool Close = false)
{
    public static Reply Ok { get; } = new(200);

    public static Reply Fail { get; } = new(500);

    public static Reply Abort { get; } = new(0, Close: true);

    /// <summary>No answer for longer than a sender waits (10 s).</summary>
    public static Reply Hang { get; } = new(0, TimeSpan.FromSeconds(12), Close: true);

    public static Reply Slow(TimeSpan delay) => new(200, delay);
}

/// <summary>
/// One request the receiver had: <see cref="Number"/> counts from 0 in the order they came, <see cref="ReceivedAt"/>
/// and <see cref="AnsweredAt"/> are on the receiver's clock, <see cref="Attempt"/> counts the requests for the same
/// event id. <see cref="Status"/> is what it answered: null while it has not, or if it closed the connection instead.
/// </summary>
public sealed record Receipt(int Number, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At, TimeSpan ReceivedAt, int Attempt)
{
    public Reply Reply { get; init; } = Reply.Ok;

    public TimeSpan? AnsweredAt { get; init; }

    public int? Status { get; init; }

    /// <summary>The sender closed the connection before the answer (it was killed, or gave up waiting).</summary>
    public bool SenderGone { get; init; }

    public bool Acknowledged => Status is >= 200 and < 300;

    public string EventId => Headers.GetValueOrDefault("Milestones-Event-Id", "");

    public string Signature => Headers.GetValueOrDefault("Milestones-Signature", "");

    public JsonNode Event => JsonNode.Parse(Body)!;

    /// <summary>The event's contract or account stream.</summary>
    public string Stream => Event["contractId"] is { } contract ? "contract:" + contract.GetValue<string>() : "account:" + Event["accountId"]!.GetValue<string>();

    public long Seq => Event["seq"]!.GetValue<long>();
}
