using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>Sequential funding, submission, review, approval, request changes and auto-release.</summary>
public sealed class FundingAndReviewTests
{
    private static readonly TimeSpan FourteenDays = TimeSpan.FromDays(14);

    [Fact]
    public void Fund_FirstMilestone_RecordsAnIntentToHoldExactlyItsAmount_AndNothingElse()
    {
        var contract = ContractBuilder.New().Active();
        var version = contract.State.Version;

        Ok(contract.Fund(Client, "m1"));

        Assert.Equal(new TransferIntent("c1/m1/fund", TransferPurpose.Fund, "m1", 10_000, Client.UserId, null), contract.State.OpenTransfer);
        Assert.Equal(MilestoneStatus.Pending, contract.Milestone("m1").Status);
        Assert.Equal(version, contract.State.Version);
        Assert.Equal(0, contract.State.Funded);
    }

    [Fact]
    public void TransferApplied_AfterFund_MarksTheMilestoneFunded()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.Fund(Client, "m1"));

        contract.TransferApplied(Now.AddMinutes(1));

        var m1 = contract.Milestone("m1");
        Assert.Equal((MilestoneStatus.Funded, Now.AddMinutes(1)), (m1.Status, m1.FundedAt));
        Assert.Null(contract.State.OpenTransfer);
        Assert.Equal(10_000, contract.State.Funded);
        Assert.Equal("milestone.funded", contract.LastEvent().Type);
    }

    [Fact]
    public void TransferRejected_AfterFund_LeavesTheMilestonePending_AndTheClientMayRetry()
    {
        var contract = ContractBuilder.New().Active();
        var before = contract.State.Snapshot();
        Ok(contract.Fund(Client, "m1"));

        contract.TransferRejected();

        Assert.Equal(before, contract.State.Snapshot());
        Ok(contract.Fund(Client, "m1"));
        Assert.Equal("c1/m1/fund", contract.State.OpenTransfer!.TransferId);
    }

    [Fact]
    public void TransferApplied_WithNoTransferOpen_IsABug()
    {
        var contract = ContractBuilder.New().Active();
        Assert.Throws<InvalidOperationException>(() => contract.TransferApplied(Now));
    }

    [Fact]
    public void Fund_AgainWhileTheFirstFundingIsOpen_IsRejected()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.Fund(Client, "m1"));

        var error = contract.Rejects(c => c.Fund(Client, "m1"), "transfer_in_progress");

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public void AnyCommand_WhileAMoneyMovementIsOpen_IsRejected_SoTheHeldMilestoneCannotChange()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.Fund(Client, "m1"));

        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Amount: 99_000), Now), "transfer_in_progress");
        contract.Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m1"), Now), "transfer_in_progress");
        contract.Rejects(c => c.End(Client, new EndContract(HeldFunds.Refund), Now), "transfer_in_progress");
        contract.Rejects(c => c.ProposeChange(Freelancer, ContractBuilder.ProposeLowerM3, Now), "transfer_in_progress");

        contract.TransferApplied(Now);
        Assert.Equal((MilestoneStatus.Funded, 10_000L), (contract.Milestone("m1").Status, contract.Milestone("m1").Amount));
        Assert.Equal(ContractStatus.Active, contract.State.Status);
    }

    [Fact]
    public void RequestChangesAndAutoRelease_WhileAnApprovalIsOpen_AreRejected()
    {
        var contract = ContractBuilder.New().Submitted(1);
        Ok(contract.Approve(Client, new ApproveWork("m1"), Now));

        contract.Rejects(c => c.RequestChanges(Client, new RequestChanges("m1", "Wait"), Now), "transfer_in_progress");
        contract.Rejects(c => c.AutoRelease(Now.AddDays(30)), "transfer_in_progress");
    }

    [Theory]
    [InlineData(MilestoneStatus.Pending)]
    [InlineData(MilestoneStatus.Funded)]
    [InlineData(MilestoneStatus.Submitted)]
    public void Fund_SecondMilestone_BeforeTheFirstIsReleased_IsRejected(MilestoneStatus first)
    {
        var builder = ContractBuilder.New();
        var contract = first switch
        {
            MilestoneStatus.Pending => builder.Active(),
            MilestoneStatus.Funded => builder.Funded(1),
            _ => builder.Submitted(1),
        };

        contract.Rejects(c => c.Fund(Client, "m2"), "milestone_out_of_order");
    }

    [Fact]
    public void Fund_ThirdMilestone_WhenOnlyTheFirstIsReleased_IsRejected()
    {
        var contract = ContractBuilder.New().Released(1);
        contract.Rejects(c => c.Fund(Client, "m3"), "milestone_out_of_order");
    }

    [Fact]
    public void Fund_NextMilestone_AfterThePreviousIsReleased_Succeeds()
    {
        var contract = ContractBuilder.New().Released(1);

        Ok(contract.Fund(Client, "m2"));

        Assert.Equal(("c1/m2/fund", 20_000L), (contract.State.OpenTransfer!.TransferId, contract.State.OpenTransfer.Amount));
    }

    [Fact]
    public void Fund_FollowsTheCurrentOrder_AfterAReorder()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.EditMilestone(Client, new EditMilestone("m3", Position: 1), Now));
        Ok(contract.AcceptTerms(Client, 2, Now));
        Ok(contract.AcceptTerms(Freelancer, 2, Now));

        contract.Rejects(c => c.Fund(Client, "m1"), "milestone_out_of_order");
        Ok(contract.Fund(Client, "m3"));
    }

    [Fact]
    public void Fund_AnUnknownMilestone_IsRejected()
    {
        var contract = ContractBuilder.New().Active();
        contract.Rejects(c => c.Fund(Client, "m9"), "milestone_not_found");
    }

    [Fact]
    public void AtMostOneMilestone_HoldsFunds_ThroughTheWholeLifecycle()
    {
        var contract = ContractBuilder.New().Active();
        for (var k = 1; k <= 3; k++)
        {
            contract.FundApplied(k);
            AssertOneHeld(contract, $"m{k}");
            for (var other = k + 1; other <= 3; other++)
            {
                var id = $"m{other}";
                contract.Rejects(c => c.Fund(Client, id), "milestone_out_of_order");
            }

            contract.SubmitOk(k);
            AssertOneHeld(contract, $"m{k}");
            contract.ApproveApplied(k);
            Assert.DoesNotContain(contract.State.Milestones, m => m.Status.HoldsFunds());
        }
    }

    [Fact]
    public void Submit_AFundedMilestone_StartsTheFourteenDayReviewClock()
    {
        var contract = ContractBuilder.New().Funded(1);

        Ok(contract.Submit(Freelancer, new SubmitWork("m1", "Here it is", ["https://example.com/a", "http://example.com/b"]), Now));

        var m1 = contract.Milestone("m1");
        Assert.Equal(MilestoneStatus.Submitted, m1.Status);
        Assert.Equal(Now, m1.SubmittedAt);
        Assert.Equal(Now + FourteenDays, m1.AutoReleaseAt);
        Assert.Equal(Now + FourteenDays, contract.NextAutoReleaseAt);
        Assert.Equal("Here it is", m1.SubmissionMessage);
        Assert.Equal(["https://example.com/a", "http://example.com/b"], m1.SubmissionLinks);
    }

    [Fact]
    public void Submit_UsesTheConfiguredReviewPeriod()
    {
        var rules = ContractRules.Default with { ReviewPeriod = TimeSpan.FromDays(3) };
        var contract = ContractBuilder.New().WithRules(rules).Funded(1);

        contract.SubmitOk(1);

        Assert.Equal(Now.AddDays(3), contract.Milestone("m1").AutoReleaseAt);
        contract.Rejects(c => c.AutoRelease(Now.AddDays(3).AddTicks(-1)), "nothing_due");
        Ok(contract.AutoRelease(Now.AddDays(3)));
    }

    [Fact]
    public void Submit_WithoutAMessage_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        contract.Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", " "), Now), "message_required");
    }

    [Fact]
    public void Approve_WhenNotSubmitted_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        contract.Rejects(c => c.Approve(Client, new ApproveWork("m1"), Now), "milestone_state_conflict");
    }

    [Fact]
    public void Approve_RecordsAReleaseIntent_ThenReleasesWhenApplied()
    {
        var contract = ContractBuilder.New().Submitted(1);

        Ok(contract.Approve(Client, new ApproveWork("m1"), Now));
        Assert.Equal(new TransferIntent("c1/m1/release", TransferPurpose.Approve, "m1", 10_000, Client.UserId, null, Now + TimeSpan.FromDays(5)), contract.State.OpenTransfer);
        Assert.Equal(MilestoneStatus.Submitted, contract.Milestone("m1").Status);

        contract.TransferApplied(Now.AddDays(1));

        var m1 = contract.Milestone("m1");
        Assert.Equal((MilestoneStatus.Released, Now.AddDays(1), (DateTimeOffset?)null), (m1.Status, m1.ReleasedAt, m1.AutoReleaseAt));
        Assert.Null(contract.NextAutoReleaseAt);
        Assert.Equal(10_000, contract.State.Released);
        Assert.Equal(ContractStatus.Active, contract.State.Status);
    }

    [Fact]
    public void Approve_OfTheLastMilestone_CompletesTheContract()
    {
        var contract = ContractBuilder.New().Submitted(3);

        contract.ApproveApplied(3);

        Assert.Equal(ContractStatus.Completed, contract.State.Status);
        Assert.All(contract.State.Milestones, m => Assert.Equal(MilestoneStatus.Released, m.Status));
        Assert.Equal((60_000L, 60_000L, 0L), (contract.State.Funded, contract.State.Released, contract.State.Refunded));
        Assert.Equal("contract.completed", contract.LastEvent().Type);
    }

    [Fact]
    public void RequestChanges_ReturnsTheMilestoneToFunded_AndStopsTheClock()
    {
        var contract = ContractBuilder.New().Submitted(1);

        Ok(contract.RequestChanges(Client, new RequestChanges("m1", "The logo is too small"), Now.AddDays(2)));

        var m1 = contract.Milestone("m1");
        Assert.Equal(MilestoneStatus.Funded, m1.Status);
        Assert.Null(m1.AutoReleaseAt);
        Assert.Null(contract.NextAutoReleaseAt);
        Assert.Null(contract.DueForAutoRelease(Now.AddYears(1)));
        contract.Rejects(c => c.AutoRelease(Now.AddDays(15)), "nothing_due");
        Assert.Equal(("milestone.changes_requested", "The logo is too small"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void RequestChanges_WithoutAMessage_IsRejected()
    {
        var contract = ContractBuilder.New().Submitted(1);
        contract.Rejects(c => c.RequestChanges(Client, new RequestChanges("m1", ""), Now), "message_required");
    }

    [Fact]
    public void Resubmit_AfterChangesWereRequested_StartsAFreshClock()
    {
        var contract = ContractBuilder.New().Submitted(1);
        Ok(contract.RequestChanges(Client, new RequestChanges("m1", "Fix it"), Now.AddDays(5)));

        contract.SubmitOk(1, Now.AddDays(6));

        Assert.Equal(Now.AddDays(6) + FourteenDays, contract.Milestone("m1").AutoReleaseAt);
        contract.Rejects(c => c.AutoRelease(Now + FourteenDays), "nothing_due");
        Ok(contract.AutoRelease(Now.AddDays(6) + FourteenDays));
    }

    [Fact]
    public void AutoRelease_BeforeTheReviewPeriodEnds_IsRejected()
    {
        var contract = ContractBuilder.New().Submitted(1);

        contract.Rejects(c => c.AutoRelease(Now + FourteenDays - TimeSpan.FromTicks(1)), "nothing_due");
        Assert.Null(contract.DueForAutoRelease(Now + FourteenDays - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void AutoRelease_WhenTheReviewPeriodEnds_ReleasesTheMilestoneAsTheSystem()
    {
        var contract = ContractBuilder.New().Submitted(1);
        var due = Now + FourteenDays;

        Assert.Same(contract.Milestone("m1"), contract.DueForAutoRelease(due));
        Ok(contract.AutoRelease(due));
        Assert.Equal(new TransferIntent("c1/m1/release", TransferPurpose.AutoRelease, "m1", 10_000, "system", null, due + TimeSpan.FromDays(5)), contract.State.OpenTransfer);

        contract.TransferApplied(due);

        Assert.Equal(MilestoneStatus.Released, contract.Milestone("m1").Status);
        var released = contract.State.Events.Last(e => e.Type == "milestone.released");
        Assert.Equal(("milestone.released", "system", "autorelease"), (released.Type, released.Actor, released.Data["reason"]));
    }

    [Fact]
    public void AutoRelease_WithNothingSubmitted_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        contract.Rejects(c => c.AutoRelease(Now.AddYears(1)), "nothing_due");
    }

    [Fact]
    public void ApproveAndAutoRelease_OfOneMilestone_ShareOneTransferId_SoOnlyOneCanMoveTheMoney()
    {
        var approved = ContractBuilder.New().Submitted(1);
        var autoReleased = ContractBuilder.New().Submitted(1);

        Ok(approved.Approve(Client, new ApproveWork("m1"), Now));
        Ok(autoReleased.AutoRelease(Now + FourteenDays));

        Assert.Equal(approved.State.OpenTransfer!.TransferId, autoReleased.State.OpenTransfer!.TransferId);
    }

    private static void AssertOneHeld(Contract contract, string id) =>
        Assert.Equal([id], contract.State.Milestones.Where(m => m.Status.HoldsFunds()).Select(m => m.Id));
}
