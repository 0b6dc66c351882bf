using Microsoft.Extensions.DependencyInjection;
using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Tests.Grains;

/// <summary>A cluster whose silos run as in Development: the sandbox may move their clock.</summary>
public sealed class SandboxClusterFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.AddSingleton(services => new ProductClock(services.GetRequiredService<TimeProvider>(), sandbox: true));
}

[CollectionDefinition(Name)]
public sealed class SandboxClusterCollection : ICollectionFixture<SandboxClusterFixture>
{
    public const string Name = "sandbox-cluster";
}

/// <summary>
/// The sandbox clock's grain: a write that fails moves nothing (the next call reads what the store holds) and its key is
/// not remembered, so the client's retry with that key moves the clock once; a key sent again replays its first answer.
/// </summary>
[Collection(SandboxClusterCollection.Name)]
public sealed class SandboxClockGrainTests(SandboxClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task AnAdvanceWhoseWriteFails_MovesNothing_AndItsRetryMovesTheClockOnce()
    {
        var clock = Grains.GetGrain<ISandboxClockGrain>(0);
        var before = Ok(await clock.ReadAsync(Platform)).Offset;
        var key = "advance-" + Guid.NewGuid().ToString("N");

        Fixture.Probe.FailNextWrite(clock.GetGrainId(), StorageLayout.SandboxClock);
        await Assert.ThrowsAnyAsync<Exception>(() => clock.AdvanceAsync(Platform, TimeSpan.FromDays(2), key));
        Assert.Equal(before, Ok(await clock.ReadAsync(Platform)).Offset);

        var moved = await clock.AdvanceAsync(Platform, TimeSpan.FromDays(2), key);
        Assert.False(moved.Replayed);
        Assert.Equal(before + TimeSpan.FromDays(2), moved.Value!.Offset);
        var again = await clock.AdvanceAsync(Platform, TimeSpan.FromDays(2), key);
        Assert.True(again.Replayed);
        Assert.Equal(moved.Value, again.Value);
        Assert.Equal(before + TimeSpan.FromDays(2), Ok(await clock.ReadAsync(Platform)).Offset);
        Assert.Equal("idempotency_key_reused", (await clock.AdvanceAsync(Platform, TimeSpan.FromDays(3), key)).Error?.Code);
        Assert.Equal("role_not_allowed", (await clock.AdvanceAsync(Client, TimeSpan.FromDays(1), null)).Error?.Code);
        Assert.Equal(before + TimeSpan.FromDays(2), Ok(await clock.ReadAsync(Platform)).Offset);
    }
}

/// <summary>Silos that do not run in Development keep real time: their clock grain refuses to move or show a sandbox offset.</summary>
public sealed class SandboxClockOutsideDevelopmentTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task TheClockGrain_RefusesWithSandboxOnly()
    {
        var clock = Grains.GetGrain<ISandboxClockGrain>(0);

        Assert.Equal("sandbox_only", (await clock.AdvanceAsync(Platform, TimeSpan.FromDays(14), "k")).Error?.Code);
        Assert.Equal("sandbox_only", (await clock.ReadAsync(Platform)).Error?.Code);
        Assert.Equal("role_not_allowed", (await clock.ReadAsync(Client)).Error?.Code);
    }
}
