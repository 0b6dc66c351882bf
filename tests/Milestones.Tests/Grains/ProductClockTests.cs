using Microsoft.Extensions.Time.Testing;
using Milestones.Wakeups;

namespace Milestones.Tests.Grains;

/// <summary>The product's clock is real time plus the sandbox's offset, which only grows; timestamps and timers stay real.</summary>
public sealed class ProductClockTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheOffset_OnlyGrows_AStaleOneChangesNothing()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new ProductClock(time, sandbox: true);
        Assert.Equal(Start, clock.GetUtcNow());

        clock.MoveTo(TimeSpan.FromDays(14));
        clock.MoveTo(TimeSpan.FromDays(3));
        clock.MoveTo(TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromDays(14), clock.Offset);
        Assert.Equal(Start.AddDays(14), clock.GetUtcNow());

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Start.AddDays(14).AddMinutes(5), clock.GetUtcNow());
        Assert.Equal(Start.AddDays(20).AddMinutes(5), clock.At(TimeSpan.FromDays(20)));
        Assert.Equal(time.GetTimestamp(), clock.GetTimestamp());
    }

    [Fact]
    public void OutsideTheSandbox_ItIsRealTime_AndCannotBeMoved()
    {
        var clock = new ProductClock(new FakeTimeProvider(Start));
        Assert.False(clock.IsSandbox);
        Assert.Throws<InvalidOperationException>(() => clock.MoveTo(TimeSpan.FromDays(1)));
        Assert.Equal(Start, clock.GetUtcNow());
    }

    [Fact]
    public async Task MovedFromManyThreadsAtOnce_ItKeepsTheLatest()
    {
        var clock = new ProductClock(new FakeTimeProvider(Start), sandbox: true);
        await Task.WhenAll(Enumerable.Range(1, 64).Select(days => Task.Run(() => clock.MoveTo(TimeSpan.FromDays(days)))));
        Assert.Equal(TimeSpan.FromDays(64), clock.Offset);
    }
}
