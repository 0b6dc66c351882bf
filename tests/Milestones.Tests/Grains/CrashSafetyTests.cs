using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// A fault between the saved intent and the saved outcome — the account call failing before it applies, or
/// its reply lost after — and then the contract grain deactivated, as a silo crash would leave it.
/// </summary>
public sealed class CrashSafetyTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fund_InterruptedAroundTheHold_IsFinishedOnReactivation_WithExactlyOneHold(bool afterApplying)
    {
        await DepositAsync(Client, 1_000);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1")), "transfer_in_progress");
        Assert.Equal(afterApplying ? 1_000 : 0, (await BalanceAsync(Client)).Held);

        await Fixture.Cluster.DeactivateAsync(grain);
        var view = await ViewAsync(grain);

        Assert.Equal(MilestoneStatus.Funded, view.Milestones[0].Status);
        var balance = await BalanceAsync(Client);
        Assert.Equal((0, 1_000), (balance.Available, balance.Held));
        Assert.Single(balance.Holds);
        var retry = await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1"));
        Assert.True(retry.Succeeded && retry.Replayed);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.funded");
    }

    [Theory]
    [InlineData(TransferKind.Capture)]
    [InlineData(TransferKind.Credit)]
    public async Task Release_InterruptedBetweenTheAccounts_CountsTheMoneyOnce_AndFinishesOnReactivation(TransferKind interrupted)
    {
        await DepositAsync(Client, 1_000);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), interrupted, afterApplying: true);

        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None), "transfer_in_progress");

        var midway = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.True(midway.Balanced, string.Join("; ", midway.Currencies));
        Assert.Equal(interrupted == TransferKind.Capture ? 1_000 : 0, midway.Currencies.Sum(c => c.InTransit));

        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        Assert.Equal(1_000, (await BalanceAsync(Freelancer)).Available);
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task EndRefund_InterruptedAfterTheRefund_IsFinishedOnReactivation_AndRefundsOnce()
    {
        await DepositAsync(Client, 1_000);
        var grain = await CreateActiveAsync(1_000, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Refund, afterApplying: true);

        Rejected(await grain.EndAsync(Freelancer, new EndContract(HeldFunds.Refund, "Stopping"), new CommandOptions("end-1")), "transfer_in_progress");
        Assert.Equal((1_000, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));

        await Fixture.Cluster.DeactivateAsync(grain);
        var view = await ViewAsync(grain);

        Assert.Equal(ContractStatus.Ended, view.Status);
        Assert.Equal([MilestoneStatus.Refunded, MilestoneStatus.Cancelled], view.Milestones.Select(m => m.Status));
        Assert.Equal((1_000, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.True((await grain.EndAsync(Freelancer, new EndContract(HeldFunds.Refund, "Stopping"), new CommandOptions("end-1"))).Replayed);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.refunded");
    }

    [Fact]
    public async Task OpenTransfer_IsFinishedBeforeTheNextCommand_WithoutReactivation()
    {
        await DepositAsync(Client, 1_000);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying: true);
        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");

        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Assert.Equal(1_000, (await BalanceAsync(Client)).Held);
    }
}
