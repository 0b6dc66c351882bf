using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

public sealed class ConcurrencyTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task FiftyConcurrentFunds_OnOneMilestone_HoldTheAmountOnce()
    {
        await DepositAsync(Client, 100_000);
        var grain = await CreateActiveAsync(1_000);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.FundMilestoneAsync(Client, "m1", CommandOptions.None)));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Equal("milestone_not_fundable", o.Error!.Code));
        var balance = await BalanceAsync(Client);
        Assert.Equal((100_000 - 1_030, 1_030), (balance.Available, balance.Held));
        Assert.Equal(1_030, Assert.Single(balance.Holds).Amount);
    }

    [Fact]
    public async Task ConcurrentFunds_OfTwoContracts_CannotSpendTheSameMoneyTwice()
    {
        await DepositAsync(Client, 1_030);
        var first = await CreateActiveAsync(1_000);
        var second = await CreateActiveAsync(1_000);

        var outcomes = await Task.WhenAll(
            first.FundMilestoneAsync(Client, "m1", CommandOptions.None),
            second.FundMilestoneAsync(Client, "m1", CommandOptions.None));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Equal("insufficient_funds", Assert.Single(outcomes, o => !o.Succeeded).Error!.Code);
        var balance = await BalanceAsync(Client);
        Assert.Equal((0, 1_030), (balance.Available, balance.Held));
    }

    [Fact]
    public async Task ApproveRacingRequestChanges_ExactlyOneWins()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 2_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        var outcomes = await Task.WhenAll(
            grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None),
            grain.RequestChangesAsync(Client, new RequestChanges("m1", "Please fix the footer"), CommandOptions.None));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Equal("milestone_state_conflict", Assert.Single(outcomes, o => !o.Succeeded).Error!.Code);
        var milestone = (await ViewAsync(grain)).Milestones[0];
        var freelancer = await BalanceAsync(Freelancer);
        var held = (await BalanceAsync(Client)).Held;
        Assert.Equal(0, freelancer.Available);
        Assert.True(
            (milestone.Status == MilestoneStatus.Released && (freelancer.Pending, held) == (900, 0))
            || (milestone.Status == MilestoneStatus.Funded && (freelancer.Pending, held) == (0, 1_030)),
            $"{milestone.Status} with {freelancer.Pending} pending and {held} held");
    }

    [Fact]
    public async Task ApproveRacingTheAutoRelease_ReleasesExactlyOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 500); // a second milestone keeps the contract active whichever wins
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Fixture.Clock.Advance(ReviewPeriod);
        var feeLines = await FeeLineCountAsync();

        // The approval races a wake-up delivered now, and a scan of the due grains.
        var approve = grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None);
        await Task.WhenAll(grain.WakeAsync(), ScanAsync());
        var approved = await approve;

        Assert.True(approved.Succeeded || approved.Error!.Code == "milestone_state_conflict", approved.Error?.Code);
        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, 900L), (freelancer.Available, freelancer.Pending));
        Assert.Single(freelancer.PendingReleases);
        Assert.Equal([("client-fee", 30L), ("service-fee", 100L)], Charges(await FeeLinesAsync(feeLines, grain)));
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.released");
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "fee.charged");
    }

    [Fact]
    public async Task WakeUp_DeliveredEarlyTwiceOrLate_ReleasesOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        await grain.WakeAsync();
        Assert.Equal(MilestoneStatus.Submitted, (await ViewAsync(grain)).Milestones[0].Status);

        Fixture.Clock.Advance(ReviewPeriod);
        var feeLines = await FeeLineCountAsync();
        await Task.WhenAll(grain.WakeAsync(), grain.WakeAsync(), ScanAsync());
        await grain.WakeAsync();

        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal([("client-fee", 30L), ("service-fee", 100L)], Charges(await FeeLinesAsync(feeLines, grain)));
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.released");
    }
}
