using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>A user's "My Jobs": the contracts they are a party to, keyed <c>usr_{userId}</c>.</summary>
[Alias("ms.IUserContractsGrain")]
public interface IUserContractsGrain : IGrainWithStringKey
{
    [Alias("Upsert")] Task UpsertAsync(ContractSummary summary);

    /// <summary>The caller's contracts, newest first; <paramref name="statuses"/> is a set (null or empty: any); an unknown cursor is refused.</summary>
    [Alias("ListPage")] Task<Outcome<ContractSummaryPage>> ListAsync(PartyRole? role, ContractStatus[]? statuses, int limit, string? cursor);
}
