using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Milestones;

/// <summary>
/// A user's "My Jobs" list. Only contract grains write to it, with their latest summary. The summaries are spread
/// over up to <see cref="StorageLayout.UserContractsShards"/> rows of their own by a stable hash of the contract id, so a change rewrites one
/// shard, not the whole list (a client with thousands of contracts); the grain's own row lists the shards in use,
/// and a shard is written before the row that lists it (<see cref="GrainRows"/>: a shard row the list does not
/// name yet is written over; its contracts sync again). Reentrant so that the summaries of a busy user's many
/// contracts are written together (<see cref="CommitQueue"/>, one per shard); every change is one synchronous
/// step, and answers wait until what they show is durable.
/// </summary>
[Reentrant]
internal sealed class UserContractsGrain(
    [PersistentState(StorageLayout.UserContracts, StorageLayout.Storage)] IPersistentState<UserContractsRecord> store,
    [FromKeyedServices(StorageLayout.Storage)] IGrainStorage storage)
    : Grain, IUserContractsGrain
{
    private readonly Shard?[] shards = new Shard?[StorageLayout.UserContractsShards];
    private CommitQueue listed = null!;

    /// <summary>What every queue of this grain does when broken; one delegate for all, not one per shard.</summary>
    private Action deactivate = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        deactivate = DeactivateOnIdle;
        listed = new CommitQueue(store.WriteStateAsync, deactivate);
        await Task.WhenAll(store.State.Shards.Select(async number =>
        {
            Open(number, await storage.ReadRowAsync<UserContractsShard>(StorageLayout.UserContractsShard(number), this.GetGrainId()));
        }));
    }

    public static int ShardOf(string contractId) => StorageLayout.ShardOf(contractId, StorageLayout.UserContractsShards);

    public async Task UpsertAsync(ContractSummary summary)
    {
        var number = ShardOf(summary.ContractId);
        var shard = shards[number] ?? Open(number, new GrainState<UserContractsShard>(new UserContractsShard()));
        var contracts = shard.Contracts;
        if (contracts.TryGetValue(summary.ContractId, out var known) && known.Version >= summary.Version)
        {
            await Task.WhenAll(shard.Commits.Durable(), listed.Durable());
            return;
        }

        contracts[summary.ContractId] = summary;
        await shard.Commits.Changed();
        if (store.State.Shards.Add(number))
        {
            await listed.Changed();
        }
        else
        {
            await listed.Durable();
        }
    }

    /// <summary>
    /// Newest first (then by id), filtered by role and by a set of statuses. The cursor is the sort key of the last
    /// contract shown (<see cref="ContractCursor"/>): the next page starts after that key, wherever the contracts
    /// around it moved, so following it to the end shows every contract that matched throughout exactly once.
    /// </summary>
    public async Task<Outcome<ContractSummaryPage>> ListAsync(PartyRole? role, ContractStatus[]? statuses, int limit, string? cursor)
    {
        long afterTicks = long.MaxValue;
        var afterId = "";
        if (cursor is not null && !ContractCursor.TryRead(cursor, out afterTicks, out afterId))
        {
            return Errors.InvalidCursor();
        }

        limit = Math.Clamp(limit, 1, 200);
        var wanted = statuses is null or [] ? null : statuses.ToHashSet();
        var page = shards.OfType<Shard>().SelectMany(s => s.Contracts.Values)
            .Where(c => (role is null || c.Role == role) && (wanted is null || wanted.Contains(c.Status)))
            .Where(c => cursor is null || ContractCursor.IsAfter(c, afterTicks, afterId))
            .OrderByDescending(c => c.CreatedAt.UtcTicks).ThenBy(c => c.ContractId, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        var next = page.Count > limit ? ContractCursor.Of(page[limit - 1]) : null;
        await Task.WhenAll(shards.OfType<Shard>().Select(s => s.Commits.Durable()).Append(listed.Durable()));
        return Outcome<ContractSummaryPage>.Ok(new ContractSummaryPage(page.Take(limit).ToList(), next));
    }

    private Shard Open(int number, GrainState<UserContractsShard> row)
    {
        var shard = new Shard(row.State?.Contracts ?? [], new CommitQueue(() => WriteShardAsync(number, row), deactivate));
        row.State = new UserContractsShard { Contracts = shard.Contracts };
        shards[number] = shard;
        return shard;
    }

    private Task WriteShardAsync(int number, GrainState<UserContractsShard> row) =>
        store.State.Shards.Contains(number)
            ? storage.WriteStateAsync(StorageLayout.UserContractsShard(number), this.GetGrainId(), row)
            : storage.WriteUncountedRowAsync(StorageLayout.UserContractsShard(number), this.GetGrainId(), row);

    private sealed record Shard(Dictionary<string, ContractSummary> Contracts, CommitQueue Commits);
}

/// <summary>The row of a user's "My Jobs": which shards hold summaries.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.UserContractsRecord")]
public sealed class UserContractsRecord
{
    [Id(0)] public HashSet<int> Shards { get; set; } = [];
}

/// <summary>One shard of a user's "My Jobs": the summaries whose contract ids hash to it.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.UserContractsShard")]
public sealed class UserContractsShard
{
    [Id(0)] public Dictionary<string, ContractSummary> Contracts { get; set; } = [];
}
