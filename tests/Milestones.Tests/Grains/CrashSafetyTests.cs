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
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1")), "transfer_in_progress");
        Assert.Equal(afterApplying ? 1_030 : 0, (await BalanceAsync(Client)).Held);

        await Fixture.Cluster.DeactivateAsync(grain);
        var view = await ViewAsync(grain);

        Assert.Equal(MilestoneStatus.Funded, view.Milestones[0].Status);
        var balance = await BalanceAsync(Client);
        Assert.Equal((0, 1_030), (balance.Available, balance.Held));
        Assert.Equal(1_030, Assert.Single(balance.Holds).Amount);
        var retry = await grain.FundMilestoneAsync(Client, "m1", new CommandOptions("fund-1"));
        Assert.True(retry.Succeeded && retry.Replayed);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.funded");
    }

    /// <summary>
    /// A release of 1,000 captures the client's hold of 1,030, then credits the freelancer 900 (pending) and the fee
    /// account 100 and 30 (one call to each account), each under its own id. Interrupted before or after any one of
    /// those legs, the money not yet credited is in transit, counted once, and the next activation finishes the rest.
    /// </summary>
    [Theory]
    [InlineData(TransferKind.Capture, "/release", false, 0)]
    [InlineData(TransferKind.Capture, "/release", true, 1_030)]
    [InlineData(TransferKind.Credit, "/release", false, 900)]
    [InlineData(TransferKind.Credit, "/release", true, 0)]
    [InlineData(TransferKind.Credit, "/service-fee", false, 130)]
    [InlineData(TransferKind.Credit, "/service-fee", true, 0)]
    [InlineData(TransferKind.Credit, "/client-fee", false, 130)]
    [InlineData(TransferKind.Credit, "/client-fee", true, 0)]
    public async Task Release_InterruptedBetweenTheAccounts_CountsTheMoneyOnce_AndFinishesOnReactivation(
        TransferKind kind, string leg, bool afterApplying, long inTransit)
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var feeLines = await FeeLineCountAsync();
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), kind, afterApplying, leg);

        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None), "transfer_in_progress");

        var midway = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.True(midway.Balanced, string.Join("; ", midway.Currencies));
        Assert.Equal(inTransit, midway.Currencies.Sum(c => (long)c.InTransit));
        var captured = kind != TransferKind.Capture || afterApplying;
        Assert.Equal(captured ? 0 : 1_030, (await BalanceAsync(Client)).Held);

        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        var releaseId = $"{grain.GetPrimaryKeyString()}/m1/release";
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, 900L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(new PendingReleaseView(releaseId, 900, Fixture.Clock.GetUtcNow() + SecurityPeriod), Assert.Single(freelancer.PendingReleases));
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal([("client-fee", 30L), ("service-fee", 100L)], Charges(await FeeLinesAsync(feeLines, grain)));
        Assert.Single(Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 100)).Entries, l => l.Order.Kind == TransferKind.Capture);
        Assert.Single(Ok(await Grains.Account(Freelancer.UserId).GetTransfersAsync(Freelancer, 0, 100)).Entries);
        await LedgerExactAsync();
    }

    [Fact]
    public async Task EndRefund_InterruptedAfterTheRefund_IsFinishedOnReactivation_AndRefundsOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var feeLines = await FeeLineCountAsync();
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Refund, afterApplying: true);

        Rejected(await grain.EndAsync(Freelancer, new EndContract(HeldFunds.Refund, "Stopping"), new CommandOptions("end-1")), "transfer_in_progress");
        Assert.Equal((1_030, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));

        await Fixture.Cluster.DeactivateAsync(grain);
        var view = await ViewAsync(grain);

        Assert.Equal(ContractStatus.Ended, view.Status);
        Assert.Equal([MilestoneStatus.Refunded, MilestoneStatus.Cancelled], view.Milestones.Select(m => m.Status));
        Assert.Equal((1_030, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.True((await grain.EndAsync(Freelancer, new EndContract(HeldFunds.Refund, "Stopping"), new CommandOptions("end-1"))).Replayed);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.refunded");
        Assert.Empty(await FeeLinesAsync(feeLines, grain));
    }

    [Fact]
    public async Task OpenTransfer_IsFinishedBeforeTheNextCommand_WithoutReactivation()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying: true);
        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");

        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Assert.Equal(1_030, (await BalanceAsync(Client)).Held);
    }
}
