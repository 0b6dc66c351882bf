using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// A command that moves money has its transfer intent stored by the write of the first account it changes, with that
/// change: a funding's answer waits for one write (the hold's, carrying the contract's row), and a completing
/// approval's for three in turn (the capture carrying the intent, the credits, the outcome). What the carried row cannot
/// go without fails them both: a contract row that cannot be prepared holds nothing; an account write that fails
/// stores no intent.
/// </summary>
public sealed class CarriedIntentTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task AFunding_IsOneWrite_TheHoldCarryingTheContractsIntent()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        var account = Grains.Account(Client.UserId);
        var mark = Fixture.Probe.WriteMark();

        Ok(await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1")));

        Assert.Equal([("carry", grain.GetGrainId()), ("write", account.GetGrainId())], Fixture.Probe.WritesSince(mark, grain.GetGrainId(), account.GetGrainId()));
        var stored = await StoredStateAsync(grain);
        Assert.Equal($"{grain.GetPrimaryKeyString()}/m1/fund", stored.Contract.OpenTransfer?.TransferId);
        Assert.Equal("fund-1", stored.PendingKey?.Key);
        Assert.Equal(1_030, (await BalanceAsync(Client)).Held);
    }

    [Fact]
    public async Task ACompletingApproval_IsThreeWritesInTurn_TheCaptureCarryingTheIntent()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var (client, freelancer) = (Grains.Account(Client.UserId).GetGrainId(), Grains.Account(Freelancer.UserId).GetGrainId());
        var mark = Fixture.Probe.WriteMark();

        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));

        var writes = Fixture.Probe.WritesSince(mark, grain.GetGrainId(), client, freelancer, FeeAccount.GetGrainId());
        Assert.Equal([("carry", grain.GetGrainId()), ("write", client)], writes[..2]);
        // The credits, together (the fee account's two legs in one write), then the outcome.
        Assert.Equal([freelancer, FeeAccount.GetGrainId()], writes[2..4].Select(w => w.Grain).OrderBy(g => g == freelancer ? 0 : 1));
        Assert.Equal([("write", grain.GetGrainId())], writes[4..]);
        Assert.Equal(ContractStatus.Completed, (await ViewAsync(grain)).Status);
    }

    [Fact]
    public async Task AFundingWhoseContractRowCannotBePrepared_HoldsNothing_AndItsRetryFundsOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextWrite(grain.GetGrainId(), StorageLayout.Contract);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1")), "transfer_in_progress");

        Assert.Equal(0, (await BalanceAsync(Client)).Held);
        Assert.Null((await StoredStateAsync(grain)).Contract.OpenTransfer);
        Assert.Equal(MilestoneStatus.Pending, (await ViewAsync(grain)).Milestones[0].Status);
        var retry = await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1"));
        Assert.True(retry.Succeeded && !retry.Replayed);
        Assert.Equal(1_030, Assert.Single((await BalanceAsync(Client)).Holds).Amount);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.funded");
    }

    [Fact]
    public async Task AFundingWhoseAccountWriteFails_StoresNoIntent_AndItsRetryFundsOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextWrite(Grains.Account(Client.UserId).GetGrainId(), StorageLayout.Account);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1")), "transfer_in_progress");

        Assert.Null((await StoredStateAsync(grain)).Contract.OpenTransfer);
        Assert.Equal((1_030, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        var retry = await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1"));
        Assert.True(retry.Succeeded && !retry.Replayed);
        Assert.Equal((0, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        await LedgerExactAsync();
    }
}
