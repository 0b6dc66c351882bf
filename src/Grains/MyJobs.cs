using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>A line of a user's "My Jobs" as the store keeps it: whose list it is in, and what it shows.</summary>
public sealed record JobListing(string UserId, ContractSummary Summary);

/// <summary>
/// A grain state that is a line in its parties' "My Jobs" (a contract's). The grain storage stores the lines it gives
/// in the same transaction as the state, and only if the state's write succeeds: a list read after an answer shows
/// what the answer did, and never a change whose write failed. Nothing else writes "My Jobs", so nothing can fail
/// or lag behind the state.
/// </summary>
public interface IListedState : ILoadedState
{
    /// <summary>The lines that differ from the stored ones; none when they are as stored.</summary>
    IReadOnlyList<JobListing> Unlisted();

    /// <summary>The state's write committed with <paramref name="lines"/> (what <see cref="Unlisted"/> gave it).</summary>
    void Listed(IReadOnlyList<JobListing> lines);
}

/// <summary>The store's "My Jobs" lists (the grain storage answers it).</summary>
public interface IJobListings
{
    /// <summary>
    /// A user's lines newest first, then by contract id (ordinal), after the sort key (<paramref name="afterTicks"/>,
    /// <paramref name="afterId"/>), of <paramref name="role"/> and <paramref name="statuses"/> only if given; at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<ContractSummary>> ListAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken);
}
