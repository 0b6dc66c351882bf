using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>A user's "My Jobs" list. Only contract grains write to it, with their latest summary.</summary>
internal sealed class UserContractsGrain(
    [PersistentState("userContracts", StorageNames.Grains)] IPersistentState<Dictionary<string, ContractSummary>> store)
    : Grain, IUserContractsGrain
{
    public async Task UpsertAsync(ContractSummary summary)
    {
        if (store.State.TryGetValue(summary.ContractId, out var known) && known.Version >= summary.Version)
        {
            return;
        }

        store.State[summary.ContractId] = summary;
        await store.WriteStateAsync();
    }

    /// <summary>Newest first; the cursor is the id of the last contract of the previous page.</summary>
    public Task<ContractSummaryPage> ListAsync(PartyRole? role, ContractStatus? status, int limit, string? cursor)
    {
        limit = Math.Clamp(limit, 1, 200);
        var ordered = store.State.Values
            .Where(c => (role is null || c.Role == role) && (status is null || c.Status == status))
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.ContractId, StringComparer.Ordinal)
            .ToList();
        var start = cursor is null ? 0 : ordered.FindIndex(c => c.ContractId == cursor) + 1;
        var page = ordered.Skip(start).Take(limit).ToList();
        var next = start + limit < ordered.Count ? page[^1].ContractId : null;
        return Task.FromResult(new ContractSummaryPage(page, next));
    }
}
