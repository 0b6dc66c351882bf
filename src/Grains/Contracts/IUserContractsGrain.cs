using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>Users' "My Jobs": the contracts each is a party to (one stateless worker, key 0).</summary>
[Alias("ms.IUserContractsGrain")]
public interface IUserContractsGrain : IGrainWithIntegerKey
{
    /// <summary>The user's contracts, newest first; <paramref name="statuses"/> is a set (null or empty: any); an unknown cursor is refused.</summary>
    [Alias("ListPage")] Task<Outcome<ContractSummaryPage>> ListAsync(string userId, PartyRole? role, ContractStatus[]? statuses, int limit, string? cursor);
}
