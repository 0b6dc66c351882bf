namespace Milestones.Tests.Grains;

/// <summary>The group commit inside a grain, driven by hand: writes complete when the test says so.</summary>
public sealed class CommitQueueTests
{
    private readonly List<TaskCompletionSource> writes = [];
    private int broken;

    private CommitQueue NewQueue() => new(
        () =>
        {
            var write = new TaskCompletionSource();
            writes.Add(write);
            return write.Task;
        },
        () => broken++);

    [Fact]
    public async Task ChangesMadeWhileAWriteRuns_AreWrittenTogether_ByOneMoreWrite()
    {
        var queue = NewQueue();
        var first = queue.Changed();
        var second = queue.Changed();
        var third = queue.Changed();
        Assert.Single(writes);
        Assert.Same(second, third);

        writes[0].SetResult();
        await first;
        Assert.False(second.IsCompleted);
        Assert.Equal(2, writes.Count);

        writes[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, writes.Count);
        Assert.True(queue.Durable().IsCompleted);
    }

    [Fact]
    public async Task Durable_WaitsForEveryChangeMadeSoFar_AndNothingElse()
    {
        var queue = NewQueue();
        Assert.True(queue.Durable().IsCompleted);
        var change = queue.Changed();
        var durable = queue.Durable();
        Assert.False(durable.IsCompleted);

        writes[0].SetResult();
        await Task.WhenAll(change, durable);
        Assert.Single(writes);
    }

    [Fact]
    public async Task AFailedWrite_FailsEveryWaiter_AndEveryLaterCall_AndBreaksTheQueueOnce()
    {
        var queue = NewQueue();
        var first = queue.Changed();
        var queued = queue.Changed();
        var durable = queue.Durable();

        writes[0].SetException(new InvalidOperationException("disk full"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued);
        await Assert.ThrowsAsync<InvalidOperationException>(() => durable);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Changed());
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Durable());
        Assert.Single(writes);
        Assert.Equal(1, broken);
    }
}
