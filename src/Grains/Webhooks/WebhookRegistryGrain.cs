using Milestones.Contracts;

namespace Milestones.Webhooks;

/// <summary>The ids of the platform's webhook endpoints, in the order made. Durable when a call returns; a failed write is undone and the grain reloads.</summary>
internal sealed class WebhookRegistryGrain(
    [PersistentState(StorageLayout.WebhookRegistry, StorageLayout.Storage)] IPersistentState<List<string>> store) : Grain, IWebhookRegistryGrain
{
    /// <summary>Endpoints a platform may have.</summary>
    public const int MaxEndpoints = 100;

    public Task AddAsync(string id) => store.State.Contains(id) ? Task.CompletedTask : ChangeAsync(() => store.State.Add(id), () => store.State.Remove(id));

    public Task RemoveAsync(string id) =>
        store.State.IndexOf(id) is var at and >= 0 ? ChangeAsync(() => store.State.RemoveAt(at), () => store.State.Insert(at, id)) : Task.CompletedTask;

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. store.State]);

    private async Task ChangeAsync(Action change, Action undo)
    {
        change();
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }
}
