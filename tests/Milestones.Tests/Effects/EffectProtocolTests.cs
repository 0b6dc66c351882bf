using Microsoft.Extensions.Logging.Abstractions;
using Milestones.Effects;

namespace Milestones.Tests.Effects;

/// <summary>
/// The effect protocol on its own: a change is answered only once durable, its wake-up in the same write; any
/// failure before that leaves memory equal to the store; follow-ups never fail the answer and are retried with
/// backoff.
/// </summary>
public sealed class EffectProtocolTests
{
    private static readonly DateTimeOffset Due = new(2030, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private readonly FakePorts ports = new() { Memory = (0, null, true), Stored = (0, null, true) };
    private readonly EffectProtocol protocol;

    public EffectProtocolTests() => protocol = new EffectProtocol(ports, NullLogger.Instance);

    /// <summary>The domain's decision: a new value that needs a wake-up and a "My Jobs" update.</summary>
    private void Decide()
    {
        ports.Memory = (ports.Memory.Value + 1, ports.Memory.WakeAt, false);
        ports.WakeNeeded = Due;
    }

    [Fact]
    public async Task AChange_IsStoredWithItsWakeUpInOneWrite_ThenPublished()
    {
        Decide();
        await protocol.MakeDurableAsync();
        await protocol.FollowUpAsync();

        Assert.Equal((1, Due, false), ports.Stored);
        Assert.Equal(1, ports.Writes);
        Assert.True(ports.Memory.Indexed);
        Assert.False(protocol.Ahead);
    }

    [Fact]
    public async Task AFailureBeforeTheDurablePoint_LeavesNoTraceInMemory_AndNoWakeUp()
    {
        ports.Failing.Add(nameof(IEffectPorts.WriteAsync));
        Decide();

        await Assert.ThrowsAsync<InvalidOperationException>(protocol.MakeDurableAsync);

        Assert.Equal(ports.Stored, ports.Memory);
        Assert.Equal((0, (DateTimeOffset?)null), (ports.Memory.Value, ports.Stored.WakeAt));
        Assert.False(protocol.Ahead);
    }

    [Fact]
    public async Task AWriteThatFailsAndCannotBeUndone_IsUndoneBeforeTheNextCall()
    {
        ports.Failing.UnionWith([nameof(IEffectPorts.WriteAsync), nameof(IEffectPorts.ReloadAsync)]);
        Decide();
        await Assert.ThrowsAsync<InvalidOperationException>(protocol.MakeDurableAsync);
        Assert.True(protocol.Ahead);

        // The store is still down: the next call fails rather than run on the unstored change.
        await Assert.ThrowsAsync<InvalidOperationException>(protocol.EnsureStoredAsync);
        Assert.True(protocol.Ahead);

        ports.Failing.Clear();
        await protocol.EnsureStoredAsync();
        Assert.Equal((0, null, true), ports.Memory);
        Assert.False(protocol.Ahead);
    }

    [Fact]
    public async Task AFollowUpOnMemoryAheadOfTheStore_PublishesNothingUntilTheStoredStateIsBack()
    {
        ports.Failing.UnionWith([nameof(IEffectPorts.WriteAsync), nameof(IEffectPorts.ReloadAsync)]);
        Decide();
        await Assert.ThrowsAsync<InvalidOperationException>(protocol.MakeDurableAsync);

        // A timer's follow-up while the store is still down: the unstored change is not published; it is retried.
        await protocol.FollowUpAsync();
        Assert.False(ports.Memory.Indexed);
        Assert.Equal([EffectProtocol.FirstRetryDelay], ports.Scheduled);

        // Back up: the follow-up starts from the stored state, which needs nothing published.
        ports.Failing.Clear();
        await protocol.FollowUpAsync();
        Assert.Equal((0, null, true), ports.Memory);
        Assert.False(protocol.Ahead);
    }

    [Fact]
    public async Task AWriteThatCommitsButAnswersAnError_IsReloadedAsStored()
    {
        ports.WriteCommitsThenFails = true;
        Decide();

        await Assert.ThrowsAsync<TimeoutException>(protocol.MakeDurableAsync);

        // The caller saw an error (503: retry with the same key); memory now holds what the store holds, the change.
        Assert.Equal(1, ports.Memory.Value);
        Assert.Equal(ports.Stored, ports.Memory);
    }

    [Fact]
    public async Task AFailedFollowUp_DoesNotFailTheAnswer_AndIsRetriedWithBackoffUntilDone()
    {
        Decide();
        await protocol.MakeDurableAsync();
        ports.Failing.Add(nameof(IEffectPorts.PublishAsync));

        await protocol.FollowUpAsync();
        await protocol.FollowUpAsync();
        await protocol.FollowUpAsync();
        Assert.Equal([EffectProtocol.FirstRetryDelay, EffectProtocol.FirstRetryDelay * 2, EffectProtocol.FirstRetryDelay * 4], ports.Scheduled);

        ports.Failing.Clear();
        await protocol.FollowUpAsync();
        Assert.True(ports.Memory.Indexed);
        Assert.Equal(3, ports.Scheduled.Count);
    }

    [Fact]
    public async Task RetriesBackOffToAMinute()
    {
        ports.Memory.Indexed = false;
        ports.Failing.Add(nameof(IEffectPorts.PublishAsync));
        for (var i = 0; i < 12; i++)
        {
            await protocol.FollowUpAsync();
        }

        Assert.Equal(EffectProtocol.MaxRetryDelay, ports.Scheduled[^1]);
    }
}
