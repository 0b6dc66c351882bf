using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Concurrency;

namespace Milestones;

/// <summary>
/// Reads users' "My Jobs" from the store (<see cref="IJobListings"/>), where each contract's write keeps its lines
/// (<see cref="IListedState"/>). Holds nothing: a worker on every silo, so a list is read where it is asked for.
/// </summary>
[StatelessWorker]
internal sealed class UserContractsGrain(IJobListings listings) : Grain, IUserContractsGrain
{
    /// <summary>
    /// Newest first (then by id), filtered by role and by a set of statuses. The cursor is the sort key of the last
    /// contract shown (<see cref="ContractCursor"/>): the next page starts after that key, wherever the contracts
    /// around it moved, so following it to the end shows every contract that matched throughout exactly once.
    /// </summary>
    public async Task<Outcome<ContractSummaryPage>> ListAsync(string userId, PartyRole? role, ContractStatus[]? statuses, int limit, string? cursor)
    {
        long afterTicks = long.MaxValue;
        var afterId = "";
        if (cursor is not null && !ContractCursor.TryRead(cursor, out afterTicks, out afterId))
        {
            return Errors.InvalidCursor();
        }

        limit = Math.Clamp(limit, 1, 200);
        var page = await listings.ListAsync(userId, role, statuses is null or [] ? null : statuses, afterTicks, afterId, limit + 1, CancellationToken.None);
        var next = page.Count > limit ? ContractCursor.Of(page[limit - 1]) : null;
        return Outcome<ContractSummaryPage>.Ok(new ContractSummaryPage(page.Take(limit).ToList(), next));
    }
}
