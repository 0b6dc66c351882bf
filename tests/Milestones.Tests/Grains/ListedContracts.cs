using System.Collections.Concurrent;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// Contract rows written straight through the grain storage, as a contract grain writes them, so the storage stores
/// their "My Jobs" lines with them: lays out lists (creation times, ties, statuses, versions) that commands could
/// only make slowly. The other party of each contract is someone else.
/// </summary>
public sealed class ListedContracts(IGrainStorage storage, IGrainFactory grains, string userId)
{
    private readonly ConcurrentDictionary<string, string?> etags = new();

    /// <summary>Writes the contract whose line in the user's list is <paramref name="summary"/>.</summary>
    public async Task PutAsync(ContractSummary summary)
    {
        var asClient = summary.Role == PartyRole.Client;
        var contract = new ContractState
        {
            Id = summary.ContractId,
            Exists = true,
            Title = summary.Title,
            Status = summary.Status,
            CreatedAt = summary.CreatedAt,
            Version = summary.Version,
            ClientId = asClient ? userId : "other-" + userId,
            FreelancerId = asClient ? "other-" + userId : userId,
        };
        var row = new GrainState<ContractGrainState>(new ContractGrainState { Contract = contract }) { ETag = etags.GetValueOrDefault(summary.ContractId) };
        await storage.WriteStateAsync(StorageLayout.Contract, grains.Contract(summary.ContractId).GetGrainId(), row);
        etags[summary.ContractId] = row.ETag;
    }
}
