using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// "My Jobs" is stored with the contract: each party's line is written by the contract's own write, so a list read
/// right after an answer shows what it did (the last approval too, whose outcome is otherwise written after the
/// answer), a write that fails or is stale stores no line, and an older contract version never replaces a newer line.
/// </summary>
public sealed class UserContractsTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string user = "jobs-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DateTimeOffset start = fixture.Clock.GetUtcNow();

    private IUserContractsGrain Jobs => Grains.UserContracts();

    [Fact]
    public async Task EachPartysLine_IsWrittenByTheContractsWrite_SoAListAfterEachAnswerShowsIt()
    {
        var grain = await CreateAsync(1_000);
        Assert.Equal((ContractStatus.Draft, PartyRole.Client), await LineAsync(Client, grain));
        Assert.Equal((ContractStatus.Draft, PartyRole.Freelancer), await LineAsync(Freelancer, grain));

        Ok(await grain.AcceptTermsAsync(Client, 1, CommandOptions.None));
        Ok(await grain.AcceptTermsAsync(Freelancer, 1, CommandOptions.None));
        Assert.Equal((ContractStatus.Active, PartyRole.Client), await LineAsync(Client, grain));
        Assert.Equal((ContractStatus.Active, PartyRole.Freelancer), await LineAsync(Freelancer, grain));

        await DepositAsync(Client, 1_030);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Assert.Equal(ContractStatus.Completed, Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None)).Contract.Status);
        Assert.Equal((ContractStatus.Completed, PartyRole.Client), await LineAsync(Client, grain));
        Assert.Equal((ContractStatus.Completed, PartyRole.Freelancer), await LineAsync(Freelancer, grain));
        Assert.Equal(ContractStatus.Completed, (await StoredStateAsync(grain)).Contract.Status);
    }

    [Fact]
    public async Task AStaleWrite_StoresNoneOfItsLines()
    {
        var lines = new ListedContracts(Storage, Grains, user);
        var id = GrainKeys.NewContractId();
        await lines.PutAsync(Summary(id, 0, version: 1));

        var stale = new GrainState<ContractGrainState>(new ContractGrainState
        {
            Contract = new ContractState { Id = id, Exists = true, Title = "Stale", Status = ContractStatus.Ended, ClientId = user, FreelancerId = "someone", Version = 9 },
        });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StorageLayout.Contract, Grains.Contract(id).GetGrainId(), stale));

        Assert.Equal([Summary(id, 0, version: 1)], Ok(await Jobs.ListAsync(user, null, null, 10, null)).Items);
        Assert.Empty(Ok(await Jobs.ListAsync("someone", null, null, 10, null)).Items);
    }

    [Fact]
    public async Task AnOlderContractVersion_NeverReplacesANewerLine()
    {
        var lines = new ListedContracts(Storage, Grains, user);
        var id = GrainKeys.NewContractId();
        await lines.PutAsync(Summary(id, 0, version: 3) with { Status = ContractStatus.Active });
        await lines.PutAsync(Summary(id, 0, version: 2) with { Status = ContractStatus.Draft });

        var only = Assert.Single(Ok(await Jobs.ListAsync(user, null, null, 10, null)).Items);
        Assert.Equal((3L, ContractStatus.Active), (only.Version, only.Status));
    }

    [Fact]
    public async Task ALongList_PagesThroughEveryContractOnce_NewestFirst()
    {
        var lines = new ListedContracts(Storage, Grains, user);
        var summaries = Enumerable.Range(0, 300).Select(i => Summary(GrainKeys.NewContractId(), i / 3, version: 1)).ToList();
        await Task.WhenAll(summaries.Select(lines.PutAsync));

        var all = new List<ContractSummary>();
        string? cursor = null;
        do
        {
            var page = Ok(await Jobs.ListAsync(user, null, null, 100, cursor));
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(summaries.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.ContractId, StringComparer.Ordinal), all);
    }

    private async Task<(ContractStatus, PartyRole)> LineAsync(Caller party, IContractGrain grain)
    {
        var line = Assert.Single(Ok(await Jobs.ListAsync(party.UserId, null, null, 50, null)).Items, c => c.ContractId == grain.GetPrimaryKeyString());
        return (line.Status, line.Role);
    }

    private ContractSummary Summary(string id, int minutes, long version) =>
        new(id, PartyRole.Client, $"Contract {minutes}", ContractStatus.Active, start.AddMinutes(minutes), version);
}
