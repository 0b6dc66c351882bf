using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

public sealed class AutoReleaseTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task SubmittedWork_IsReleasedAfterFourteenDays_WithoutClientAction()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var submitted = Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None)).Contract.Milestones[0];
        Assert.Equal(Fixture.Clock.GetUtcNow() + TimeSpan.FromDays(14), submitted.AutoReleaseAt);

        Fixture.Clock.Advance(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1));
        Assert.Equal(MilestoneStatus.Submitted, (await ViewAsync(grain)).Milestones[0].Status);

        await AdvanceAndWakeAsync(grain, TimeSpan.FromSeconds(1));

        var view = await ViewAsync(grain);
        Assert.Equal(ContractStatus.Completed, view.Status);
        Assert.Equal(MilestoneStatus.Released, view.Milestones[0].Status);
        var releasedAt = Fixture.Clock.GetUtcNow();
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, 900L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(releasedAt + SecurityPeriod, Assert.Single(freelancer.PendingReleases).AvailableAt);
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        var release = Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.released");
        Assert.Equal(("system", "autorelease", "900"), (release.Actor, release.Data["reason"], release.Data["freelancerNet"]));
    }

    [Fact]
    public async Task RequestedChanges_StopTheClock_AndResubmissionStartsAFreshOne()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.RequestChangesAsync(Client, new RequestChanges("m1", "Fix the header"), CommandOptions.None));

        Fixture.Clock.Advance(TimeSpan.FromDays(15));
        var afterWaiting = (await ViewAsync(grain)).Milestones[0];
        Assert.Equal((MilestoneStatus.Funded, (DateTimeOffset?)null), (afterWaiting.Status, afterWaiting.AutoReleaseAt));
        Assert.Equal((0, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));

        var resubmittedAt = Fixture.Clock.GetUtcNow();
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Fixed"), CommandOptions.None));
        await AdvanceAndWakeAsync(grain, ReviewPeriod);

        var milestone = (await ViewAsync(grain)).Milestones[0];
        Assert.Equal(MilestoneStatus.Released, milestone.Status);
        Assert.InRange(milestone.ReleasedAt!.Value, resubmittedAt + ReviewPeriod, resubmittedAt + ReviewPeriod + TimeSpan.FromMinutes(11));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }
}
