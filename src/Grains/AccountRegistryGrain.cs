using Milestones.Contracts;

namespace Milestones;

internal sealed class AccountRegistryGrain(
    [PersistentState(StorageLayout.AccountRegistry, StorageLayout.Storage)] IPersistentState<HashSet<string>> store) : Grain, IAccountRegistryGrain
{
    public static long ShardOf(string accountKey) => StorageLayout.ShardOf(accountKey, StorageLayout.AccountRegistryShards);

    /// <summary>
    /// Durable when it returns. A failed write takes the user back out (a retry writes again, instead of finding it
    /// in memory and answering as if it were stored) and reloads the shard from the store.
    /// </summary>
    public async Task RegisterAsync(string accountKey)
    {
        if (store.State.Add(accountKey))
        {
            try
            {
                await store.WriteStateAsync();
            }
            catch
            {
                store.State.Remove(accountKey);
                DeactivateOnIdle();
                throw;
            }
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. store.State]);
}
