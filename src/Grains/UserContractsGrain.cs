using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Concurrency;

namespace Milestones;

/// <summary>
/// A user's "My Jobs" list. Only contract grains write to it, with their latest summary. Reentrant so that the
/// summaries of a busy user's many contracts are written together (<see cref="CommitQueue"/>); every change is
/// one synchronous step, and answers wait until what they show is durable.
/// </summary>
[Reentrant]
internal sealed class UserContractsGrain(
    [PersistentState("userContracts", StorageNames.Grains)] IPersistentState<Dictionary<string, ContractSummary>> store)
    : Grain, IUserContractsGrain
{
    private CommitQueue commits = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        commits = new CommitQueue(store.WriteStateAsync, DeactivateOnIdle);
        return Task.CompletedTask;
    }

    public async Task UpsertAsync(ContractSummary summary)
    {
        if (store.State.TryGetValue(summary.ContractId, out var known) && known.Version >= summary.Version)
        {
            await commits.Durable();
            return;
        }

        store.State[summary.ContractId] = summary;
        await commits.Changed();
    }

    /// <summary>Newest first; the cursor is the id of the last contract of the previous page.</summary>
    public async Task<ContractSummaryPage> ListAsync(PartyRole? role, ContractStatus? status, int limit, string? cursor)
    {
        limit = Math.Clamp(limit, 1, 200);
        var ordered = store.State.Values
            .Where(c => (role is null || c.Role == role) && (status is null || c.Status == status))
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.ContractId, StringComparer.Ordinal)
            .ToList();
        var start = cursor is null ? 0 : ordered.FindIndex(c => c.ContractId == cursor) + 1;
        var page = ordered.Skip(start).Take(limit).ToList();
        var next = start + limit < ordered.Count ? page[^1].ContractId : null;
        await commits.Durable();
        return new ContractSummaryPage(page, next);
    }
}
