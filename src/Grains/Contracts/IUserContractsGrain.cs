using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>A user's "My Jobs": the contracts they are a party to, keyed <c>usr_{userId}</c>.</summary>
[Alias("ms.IUserContractsGrain")]
public interface IUserContractsGrain : IGrainWithStringKey
{
    [Alias("Upsert")] Task UpsertAsync(ContractSummary summary);
    [Alias("List")] Task<ContractSummaryPage> ListAsync(PartyRole? role, ContractStatus? status, int limit, string? cursor);
}
