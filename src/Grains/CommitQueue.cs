namespace Milestones;

/// <summary>
/// Group commit inside one grain. A method changes the state in memory (synchronously, so no other call sees half
/// a change) and awaits <see cref="Changed"/>: changes made while a write is running are written together by the
/// next one. A caller is answered only once the write that covers its change has committed. After a failed write
/// the queue is broken: the in-memory state may differ from the store, so every later call fails and
/// <c>onBroken</c> lets the grain deactivate and reload.
/// </summary>
internal sealed class CommitQueue(Func<Task> write, Action onBroken)
{
    private TaskCompletionSource? running;
    private TaskCompletionSource? queued;
    private Exception? broken;

    /// <summary>Something changed: completes when a write that started after this call has committed.</summary>
    public Task Changed()
    {
        if (broken is not null)
        {
            return Task.FromException(broken);
        }

        if (queued is { } waiting)
        {
            return waiting.Task;
        }

        var next = queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (running is null)
        {
            _ = RunAsync();
        }

        return next.Task;
    }

    /// <summary>Nothing changed: completes when every change made so far has committed (answers never show unsaved state).</summary>
    public Task Durable() =>
        broken is not null ? Task.FromException(broken) : (queued ?? running)?.Task ?? Task.CompletedTask;

    private async Task RunAsync()
    {
        while (queued is { } next)
        {
            queued = null;
            running = next;
            try
            {
                await write();
                next.TrySetResult();
            }
            catch (Exception ex)
            {
                broken = ex;
                next.TrySetException(ex);
                queued?.TrySetException(ex);
                queued = null;
                onBroken();
            }
            finally
            {
                running = null;
            }
        }
    }
}
