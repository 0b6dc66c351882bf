using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// "My Jobs" is spread over shard rows: a change rewrites only its contract's shard, a reactivated list is the same
/// list, a failed write fails what it carried and the retry lands, and a shard row left by an interrupted first
/// write is overwritten.
/// </summary>
public sealed class UserContractsTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string user = "jobs-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DateTimeOffset start = fixture.Clock.GetUtcNow();

    private IUserContractsGrain Jobs => Grains.UserContracts(user);

    private IGrainStorage Storage => Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);

    [Fact]
    public async Task ALongList_IsSpreadOverShards_AChangeRewritesOnlyItsShard_AndItIsRestoredExactly()
    {
        var summaries = Enumerable.Range(0, 300).Select(i => Summary(GrainKeys.NewContractId(), i, version: 1)).ToList();
        await Task.WhenAll(summaries.Select(Jobs.UpsertAsync));

        var listed = await ListAllAsync();
        Assert.Equal(summaries.OrderByDescending(s => s.CreatedAt).Select(s => s.ContractId), listed.Select(s => s.ContractId));
        var used = summaries.Select(s => UserContractsGrain.ShardOf(s.ContractId)).ToHashSet();
        Assert.True(used.Count > 32, $"300 contracts fell into only {used.Count} shards");
        Assert.Equal(used.Order(), (await ReadAsync<UserContractsRecord>("myJobs")).State.Shards.Order());

        var before = await ShardETagsAsync();
        var root = (await ReadAsync<UserContractsRecord>("myJobs")).ETag;
        var changed = summaries[123] with { Status = ContractStatus.Ended, Version = 2 };
        await Jobs.UpsertAsync(changed);

        var after = await ShardETagsAsync();
        var rewritten = Enumerable.Range(0, StorageLayout.UserContractsShards).Where(n => before[n] != after[n]).ToList();
        Assert.Equal([UserContractsGrain.ShardOf(changed.ContractId)], rewritten);
        Assert.Equal(root, (await ReadAsync<UserContractsRecord>("myJobs")).ETag);

        var expected = await ListAllAsync();
        Assert.Contains(changed, expected);
        await Fixture.Cluster.DeactivateAsync(Jobs);
        Assert.Equal(expected, await ListAllAsync());
        Assert.Equal([changed], (await Jobs.ListAsync(null, [ContractStatus.Ended], 10, null)).Value!.Items);
    }

    [Fact]
    public async Task AnOlderSummary_NeverReplacesANewerOne()
    {
        var id = GrainKeys.NewContractId();
        await Jobs.UpsertAsync(Summary(id, 0, version: 3) with { Status = ContractStatus.Active });
        await Jobs.UpsertAsync(Summary(id, 0, version: 2) with { Status = ContractStatus.Draft });

        var only = Assert.Single((await Jobs.ListAsync(null, null, 10, null)).Value!.Items);
        Assert.Equal((3L, ContractStatus.Active), (only.Version, only.Status));
    }

    [Fact]
    public async Task AFailedShardWrite_FailsTheUpsertItCarried_AndTheRetryLandsOnce()
    {
        var kept = Summary(GrainKeys.NewContractId(), 0, version: 1);
        await Jobs.UpsertAsync(kept);
        var failing = Summary(GrainKeys.NewContractId(), 1, version: 1);

        Fixture.Probe.FailNextWrite(Jobs.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => Jobs.UpsertAsync(failing));
        await Fixture.Cluster.DeactivateAsync(Jobs);
        Assert.Equal([kept], (await Jobs.ListAsync(null, null, 10, null)).Value!.Items);

        await Jobs.UpsertAsync(failing);
        await Fixture.Cluster.DeactivateAsync(Jobs);
        Assert.Equal([failing, kept], (await Jobs.ListAsync(null, null, 10, null)).Value!.Items);
    }

    [Fact]
    public async Task AShardRowNoListNames_IsOverwritten_AndItsSummariesNeverShow()
    {
        var id = GrainKeys.NewContractId();
        var number = UserContractsGrain.ShardOf(id);
        var orphan = ContractWithShard(number);
        var left = new GrainState<UserContractsShard>(new UserContractsShard { Contracts = { [orphan] = Summary(orphan, 5, version: 1) } });
        await Storage.WriteStateAsync($"myJobs/{number}", Jobs.GetGrainId(), left);

        var summary = Summary(id, 0, version: 1);
        await Jobs.UpsertAsync(summary);
        await Fixture.Cluster.DeactivateAsync(Jobs);

        Assert.Equal([summary], (await Jobs.ListAsync(null, null, 10, null)).Value!.Items);
        Assert.Equal([id], (await ReadAsync<UserContractsShard>($"myJobs/{number}")).State.Contracts.Keys);
    }

    private ContractSummary Summary(string id, int minutes, long version) =>
        new(id, PartyRole.Client, $"Contract {minutes}", ContractStatus.Active, start.AddMinutes(minutes), version);

    private static string ContractWithShard(int number)
    {
        while (true)
        {
            var id = GrainKeys.NewContractId();
            if (UserContractsGrain.ShardOf(id) == number)
            {
                return id;
            }
        }
    }

    private async Task<List<ContractSummary>> ListAllAsync()
    {
        var all = new List<ContractSummary>();
        string? cursor = null;
        do
        {
            var page = (await Jobs.ListAsync(null, null, 100, cursor)).Value!;
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    private async Task<(T State, string? ETag)> ReadAsync<T>(string stateName)
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await Storage.ReadStateAsync(stateName, Jobs.GetGrainId(), state);
        return (state.State ?? new T(), state.ETag);
    }

    private async Task<string?[]> ShardETagsAsync() =>
        await Task.WhenAll(Enumerable.Range(0, StorageLayout.UserContractsShards).Select(async n => (await ReadAsync<UserContractsShard>($"myJobs/{n}")).ETag));
}
