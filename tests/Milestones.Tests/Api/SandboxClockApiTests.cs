using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Milestones.Tests.Api;

/// <summary>A cluster of its own for the sandbox clock (moving it moves every grain's time), scanning for due grains every second.</summary>
public sealed class SandboxClockApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string> { ["Milestones:WakeInterval"] = "00:00:01" };
}

[CollectionDefinition(Name)]
public sealed class SandboxClockCollection : ICollectionFixture<SandboxClockApiFactory>
{
    public const string Name = "api-sandbox-clock";
}

/// <summary>
/// The sandbox clock over HTTP (Development only): moved forward, a submitted milestone the client never answered is
/// released, and its money becomes available once the security period has passed, within seconds of real time; a
/// retried advance moves the clock once; the clock never goes back.
/// </summary>
[Collection(SandboxClockCollection.Name)]
public sealed class SandboxClockApiTests(SandboxClockApiFactory factory) : ApiTest(factory)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MovedPastTheReviewPeriod_TheMilestoneIsReleased_AndPastTheSecurityPeriod_ItsMoneyIsAvailable()
    {
        await DepositAsync(ClientId, 10_300);
        var id = await SubmittedAsync(10_000);
        var before = await ClockAsync();
        Assert.True(before.Now > DateTimeOffset.UtcNow.AddMinutes(-1));

        var advanced = await AdvanceAsync("P14DT1M", "first");
        Assert.Equal(before.Offset + TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1), advanced.Offset);
        Assert.True(advanced.Now > DateTimeOffset.UtcNow + TimeSpan.FromDays(14), advanced.Now.ToString("O"));

        var released = await UntilAsync(async () =>
        {
            var contract = await Json(await Client.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK);
            return contract["status"]!.GetValue<string>() == "completed" ? contract : null;
        });
        Assert.Equal(10_000L, released["released"]!.GetValue<long>());
        var pending = (await BalanceAsync())!;
        Assert.Equal((0L, 9_000L), (pending["available"]!.GetValue<long>(), pending["pending"]!.GetValue<long>()));

        await AdvanceAsync("P5DT1M", "second");
        var available = await UntilAsync(async () => await BalanceAsync() is { } b && b["available"]!.GetValue<long>() == 9_000 ? b : null);
        Assert.Equal(0L, available["pending"]!.GetValue<long>());

        // The first advance sent again is its first answer, and moves the clock no further; its key with another advance is refused.
        var replay = await Platform.SendAsync(Advance("P14DT1M", "first"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(advanced.Offset, Read(await Json(replay, HttpStatusCode.OK)).Offset);
        Assert.Equal(advanced.Offset + TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1), (await ClockAsync()).Offset);
        await Problem(await Platform.SendAsync(Advance("P1D", "first")), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(advanced.Offset + TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1), (await ClockAsync()).Offset);
    }

    [Fact]
    public async Task OnlyThePlatform_ReadsOrMovesTheClock()
    {
        var before = await ClockAsync();
        await Problem(await Client.GetAsync("/v1/dev/clock"), HttpStatusCode.Forbidden, "role_not_allowed");
        await Problem(await Client.SendAsync(Advance("P1D", null)), HttpStatusCode.Forbidden, "role_not_allowed");
        Assert.Equal(before.Offset, (await ClockAsync()).Offset);
    }

    private async Task<JsonNode?> BalanceAsync() =>
        (await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK))["balances"]!.AsArray().SingleOrDefault();

    private async Task<(DateTimeOffset Now, TimeSpan Offset)> ClockAsync() => Read(await Json(await Platform.GetAsync("/v1/dev/clock"), HttpStatusCode.OK));

    private async Task<(DateTimeOffset Now, TimeSpan Offset)> AdvanceAsync(string by, string key) =>
        Read(await Json(await Platform.SendAsync(Advance(by, key)), HttpStatusCode.OK));

    private static HttpRequestMessage Advance(string by, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/dev/clock") { Content = JsonContent.Create(new { advanceBy = by }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    private static (DateTimeOffset Now, TimeSpan Offset) Read(JsonNode clock) =>
        (clock["now"]!.GetValue<DateTimeOffset>(), System.Xml.XmlConvert.ToTimeSpan(clock["offset"]!.GetValue<string>()));

    /// <summary>What <paramref name="probe"/> finds once it finds it, within <see cref="Bound"/> of real time.</summary>
    private static async Task<JsonNode> UntilAsync(Func<Task<JsonNode?>> probe)
    {
        for (var deadline = DateTime.UtcNow + Bound; ; await Task.Delay(100))
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Nothing happened within {Bound.TotalSeconds} s of the clock's advance.");
        }
    }
}
