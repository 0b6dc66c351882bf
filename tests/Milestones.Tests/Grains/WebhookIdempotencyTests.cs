using Milestones.Contracts;
using Milestones.Webhooks;

namespace Milestones.Tests.Grains;

/// <summary>
/// A webhook's create sent with an idempotency key (its id derived from the key): a retry replays the first answer,
/// secret included, for a day; then the answer and its secret are dropped from the endpoint's state.
/// </summary>
public sealed class WebhookIdempotencyTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task AKeyedCreate_IsReplayedForADay_ThenItsAnswerAndSecretAreDropped()
    {
        var key = "hook-" + Guid.NewGuid().ToString("N");
        var grain = Grains.GetGrain<IWebhookGrain>(GrainKeys.Created(GrainKeys.WebhookPrefix, Platform.UserId, key));
        var request = new NewWebhook("https://example.com/hook", null, "keyed");
        var first = Ok(await grain.CreateAsync(Platform, request, key));

        Fixture.Clock.Advance(TimeSpan.FromHours(23));
        var replay = await grain.CreateAsync(Platform, request, key);
        Assert.True(replay.Replayed);
        Assert.Equivalent(first, replay.Value, strict: true);
        Assert.Equal("idempotency_key_reused", (await grain.CreateAsync(Platform, request with { Description = "other" }, key)).Error?.Code);

        // A day on, the endpoint's next write drops the answer (it shows a secret since rotated out, maybe).
        Fixture.Clock.Advance(TimeSpan.FromHours(2));
        Ok(await grain.RotateSecretAsync(Platform));
        Assert.Equal("webhook_already_exists", (await grain.CreateAsync(Platform, request, key)).Error?.Code);
        Ok(await grain.DeleteAsync(Platform));
    }
}
