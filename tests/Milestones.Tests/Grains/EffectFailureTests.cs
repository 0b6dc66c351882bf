using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// Faults at each effect point of a contract command on a real cluster: a failure before the durable point leaves
/// nothing in memory (its retry with the same key runs again and is stored whole); a failed follow-up does not
/// fail the answer; an account that refuses what cannot be refused halts the contract for the platform to see.
/// </summary>
public sealed class EffectFailureTests(ClusterFixture fixture) : GrainTest(fixture)
{
    /// <summary>A contract whose first milestone (1,000) is funded; <paramref name="later"/> are the amounts of milestones after it.</summary>
    private async Task<IContractGrain> FundedAsync(params long[] later)
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync([1_000, .. later]);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        return grain;
    }

    [Fact]
    public async Task Submit_ThatFailsBeforeItIsDurable_IsNotRememberedAndItsRetryIsStoredWithItsWakeUp()
    {
        var grain = await FundedAsync();
        Fixture.Probe.FailNextWrite(grain.GetGrainId());

        var key = new CommandOptions("submit-1");
        await Assert.ThrowsAnyAsync<Exception>(() => grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), key));
        Assert.Equal(MilestoneStatus.Funded, (await ViewAsync(grain)).Milestones[0].Status);

        var retry = await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), key);
        Assert.True(retry.Succeeded && !retry.Replayed);

        // Stored whole: after a restart of the activation the submission is there and its wake-up releases it.
        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(MilestoneStatus.Submitted, (await ViewAsync(grain)).Milestones[0].Status);
        await AdvanceAndWakeAsync(grain, ReviewPeriod);
        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task ACommandWhoseWriteAndReloadBothFail_IsNotWrittenWhenTheContractDeactivates()
    {
        // The funding's outcome is acknowledged before it is written, so the contract has something to write on
        // deactivation; then a submission fails to be written, and so does the reload after it (memory is ahead).
        var grain = await FundedAsync();
        Fixture.Probe.FailNextWrite(grain.GetGrainId());
        Fixture.Probe.FailNextRead(grain.GetGrainId());
        var key = new CommandOptions("submit-ahead");
        await Assert.ThrowsAnyAsync<Exception>(() => grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), key));

        await Fixture.Cluster.DeactivateAsync(grain);

        // The answer was an outage: nothing of the submission may be stored, and its retry runs anew.
        var stored = await StoredStateAsync(grain);
        Assert.Equal(((DateTimeOffset?)null, null), (stored.WakeAt, stored.Keys.Find(k => k.Key == "submit-ahead")));
        Assert.NotEqual(MilestoneStatus.Submitted, stored.Contract.Milestones[0].Status);
        var retry = await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), key);
        Assert.True(retry.Succeeded && !retry.Replayed);
        Assert.Equal(1_030, (await BalanceAsync(Client)).Held);
    }

    [Fact]
    public async Task AFailedSubmit_LeavesNoWakeUp_AndAWakeUpThatFails_StaysDueUntilTheNextScanReleases()
    {
        var grain = await FundedAsync();
        Fixture.Probe.FailNextWrite(grain.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Fixture.Clock.Advance(ReviewPeriod);
        var woken = Fixture.Probe.Woken(grain.GetPrimaryKeyString());
        await ScanAsync();
        Assert.False(woken.IsCompleted);

        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Fixture.Clock.Advance(ReviewPeriod);
        Fixture.Probe.FailNextWake(grain.GetPrimaryKeyString());
        await ScanAsync();
        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(MilestoneStatus.Submitted, (await StoredAsync(grain)).Milestones[0].Status);

        await AdvanceAndWakeAsync(grain, TimeSpan.Zero);
        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(MilestoneStatus.Released, (await StoredAsync(grain)).Milestones[0].Status);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task AFailedContractWrite_LeavesMyJobsAsItWas_AndTheRetryListsTheChangeAtOnce()
    {
        var grain = await CreateAsync(1_000);
        Ok(await grain.AcceptTermsAsync(Client, 1, CommandOptions.None));
        Fixture.Probe.FailNextWrite(grain.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => grain.AcceptTermsAsync(Freelancer, 1, CommandOptions.None));
        Assert.Equal(ContractStatus.Draft, await ListedStatusAsync(Freelancer, grain));
        Assert.Equal(ContractStatus.Draft, await ListedStatusAsync(Client, grain));

        Assert.Equal(ContractStatus.Active, Ok(await grain.AcceptTermsAsync(Freelancer, 1, CommandOptions.None)).Contract.Status);
        Assert.Equal(ContractStatus.Active, await ListedStatusAsync(Freelancer, grain));
        Assert.Equal(ContractStatus.Active, await ListedStatusAsync(Client, grain));
    }

    private async Task<ContractStatus> ListedStatusAsync(Caller user, IContractGrain grain) =>
        Assert.Single(Ok(await Grains.UserContracts().ListAsync(user.UserId, null, null, 50, null)).Items, c => c.ContractId == grain.GetPrimaryKeyString()).Status;

    [Fact]
    public async Task TimeFirst_RequestChangesAfterTheReviewPeriod_SeesTheReleaseFirst()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Fixture.Clock.Advance(ReviewPeriod + TimeSpan.FromSeconds(1));
        Rejected(await grain.RequestChangesAsync(Client, new RequestChanges("m1", "Too late"), CommandOptions.None), "milestone_state_conflict");

        Assert.Equal(MilestoneStatus.Released, (await ViewAsync(grain)).Milestones[0].Status);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task TimeFirst_EndWithRefundAfterTheReviewPeriod_RefundsNothing()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Fixture.Clock.Advance(ReviewPeriod + TimeSpan.FromSeconds(1));
        var ended = Ok(await grain.EndAsync(Client, new EndContract(HeldFunds.Refund, "Stop"), CommandOptions.None)).Contract;

        Assert.Equal((ContractStatus.Ended, MilestoneStatus.Released, 0L), (ended.Status, ended.Milestones[0].Status, ended.Refunded));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task BooksThatDisagree_HaltTheContract_AndTheLedgerCheckShowsIt()
    {
        var grain = await FundedAsync();
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Fixture.Probe.RefuseNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Capture);

        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None), "contract_halted");
        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None), "contract_halted");
        await Fixture.Cluster.DeactivateAsync(grain);
        Rejected(await grain.EndAsync(Client, new EndContract(HeldFunds.Refund), CommandOptions.None), "contract_halted");

        // Nothing moved: the hold is still the client's; the platform sees the halted contract.
        Assert.Equal((0, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal((0, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        var report = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.False(report.Ok);
        var halt = Assert.Single(report.HaltedContracts, h => h.ContractId == grain.GetPrimaryKeyString());
        Assert.Equal("hold_not_found", halt.Code);
    }

    [Fact]
    public async Task AReleaseAcknowledgedBeforeItsOutcomeIsStored_IsStoredJustAfterItsAnswer_AndNotWokenAgain()
    {
        var grain = await FundedAsync();
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Fixture.Clock.Advance(TimeSpan.FromSeconds(1)); // the outcome's write after the answer runs on a timer

        var stored = await StoredOutcomeAsync(grain);
        Assert.Equal(((DateTimeOffset?)null, (TransferIntent?)null), (stored.WakeAt, stored.Contract.OpenTransfer));
        var woken = Fixture.Probe.Woken(grain.GetPrimaryKeyString());
        Fixture.Clock.Advance(ReviewPeriod);
        await ScanAsync();
        Assert.False(woken.IsCompleted);

        // The review period outlasted the security period: a read shows the release available.
        Assert.Equal((900, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task AReleaseWhoseOutcomeFailsToBeStored_IsStoredWhenWoken_AndThenNotWokenAgain()
    {
        // A second milestone keeps the contract active: an approval that completes it is written before its answer.
        var grain = await FundedAsync(500);
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        // The approval's one write (its intent) succeeds; the write of its outcome after the answer fails.
        Fixture.Probe.FailNextWrite(grain.GetGrainId(), skip: 1);
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Fixture.Probe.WriteFaultArmed(grain.GetGrainId()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(Fixture.Probe.WriteFaultArmed(grain.GetGrainId()));
        Assert.NotNull((await StoredStateAsync(grain)).Contract.OpenTransfer);

        await AdvanceAndWakeAsync(grain, ReviewPeriod);
        var stored = await StoredStateAsync(grain);
        Assert.Equal(((DateTimeOffset?)null, (TransferIntent?)null), (stored.WakeAt, stored.Contract.OpenTransfer));
        Assert.Equal(MilestoneStatus.Released, stored.Contract.Milestones[0].Status);

        var woken = Fixture.Probe.Woken(grain.GetPrimaryKeyString());
        await ScanAsync();
        Assert.False(woken.IsCompleted);
        Assert.Equal((900, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task TheCompletingApproval_IsNotAcknowledgedBeforeItsOutcomeIsStored_AndItsRetryFinishesItOnce()
    {
        var grain = await FundedAsync();
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        // The approval's intent is stored; the write of its outcome (the contract completed, listed so) fails.
        Fixture.Probe.FailNextWrite(grain.GetGrainId(), skip: 1);
        await Assert.ThrowsAnyAsync<Exception>(() => grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), new CommandOptions("approve")));
        Assert.NotNull((await StoredStateAsync(grain)).Contract.OpenTransfer);
        Assert.Equal(ContractStatus.Active, await ListedStatusAsync(Client, grain));

        var retried = Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), new CommandOptions("approve")));
        Assert.Equal((ContractStatus.Completed, MilestoneStatus.Released), (retried.Contract.Status, retried.Contract.Milestones[0].Status));
        Assert.Equal(ContractStatus.Completed, await ListedStatusAsync(Client, grain));
        Assert.Null((await StoredStateAsync(grain)).Contract.OpenTransfer);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    /// <summary>The stored state once the outcome acknowledged before it was written has been written (at most ten seconds).</summary>
    private async Task<ContractGrainState> StoredOutcomeAsync(IContractGrain grain)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var stored = await StoredStateAsync(grain);
            if (stored.Contract.OpenTransfer is null || DateTime.UtcNow > deadline)
            {
                return stored;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The contract as stored, read past the grain (a read through the grain would let due time act first).</summary>
    private async Task<ContractView> StoredAsync(IContractGrain grain) =>
        new Contract((await StoredStateAsync(grain)).Contract, ContractRules.Default).ToView();
}
