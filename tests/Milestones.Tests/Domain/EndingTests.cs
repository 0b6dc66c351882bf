using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>Ending early (held funds refunded or released, Pending milestones cancelled) and completion.</summary>
public sealed class EndingTests
{
    public static TheoryData<string> EitherParty() => ["client", "freelancer"];

    [Theory]
    [MemberData(nameof(EitherParty))]
    public void End_WithNothingHeld_EndsAtOnce_AndCancelsEveryPendingMilestone(string role)
    {
        var contract = ContractBuilder.New().Active();

        Ok(contract.End(Caller(role), new EndContract(HeldFunds.Refund, "Plans changed"), Now));

        Assert.Null(contract.State.OpenTransfer);
        Assert.Equal(ContractStatus.Ended, contract.State.Status);
        Assert.All(contract.State.Milestones, m => Assert.Equal(MilestoneStatus.Cancelled, m.Status));
        Assert.Equal(["milestone.cancelled", "milestone.cancelled", "milestone.cancelled", "contract.ended"], contract.EventTypes().TakeLast(4));
        Assert.Equal(("Plans changed", Caller(role).UserId), (contract.LastEvent().Message, contract.LastEvent().Actor));
        Assert.Equal(0, contract.Price);
    }

    [Theory]
    [InlineData(MilestoneStatus.Funded)]
    [InlineData(MilestoneStatus.Submitted)]
    public void End_ChoosingRefund_RecordsARefundIntent_ThenRefundsAndCancelsTheRest(MilestoneStatus held)
    {
        var contract = held == MilestoneStatus.Funded ? ContractBuilder.New().Funded(1) : ContractBuilder.New().Submitted(1);

        Ok(contract.End(Client, new EndContract(HeldFunds.Refund, "Stopping here"), Now));

        Assert.Equal(new TransferIntent("c1/m1/refund", TransferPurpose.EndRefund, "m1", 10_000, Client.UserId, "Stopping here"), contract.State.OpenTransfer);
        Assert.False(contract.State.OpenTransfer!.PaysFreelancer);
        Assert.Equal(ContractStatus.Active, contract.State.Status);
        Assert.Equal(held, contract.Milestone("m1").Status);

        contract.TransferApplied(Now.AddMinutes(1));

        var m1 = contract.Milestone("m1");
        Assert.Equal((MilestoneStatus.Refunded, (DateTimeOffset?)Now.AddMinutes(1), (DateTimeOffset?)null), (m1.Status, m1.RefundedAt, m1.AutoReleaseAt));
        Assert.Equal([MilestoneStatus.Cancelled, MilestoneStatus.Cancelled], contract.State.Milestones.Skip(1).Select(m => m.Status));
        Assert.Equal(ContractStatus.Ended, contract.State.Status);
        Assert.Equal((10_000L, 0L, 10_000L), (contract.State.Funded, contract.State.Released, contract.State.Refunded));
        Assert.Null(contract.NextAutoReleaseAt);
    }

    [Theory]
    [InlineData("client", MilestoneStatus.Funded)]
    [InlineData("client", MilestoneStatus.Submitted)]
    [InlineData("platform", MilestoneStatus.Submitted)]
    public void End_ChoosingRelease_PaysTheHeldMilestoneToTheFreelancer_AndEndsWithoutCompleting(string role, MilestoneStatus held)
    {
        var contract = held == MilestoneStatus.Funded ? ContractBuilder.New().Funded(1) : ContractBuilder.New().Submitted(1);

        Ok(contract.End(Caller(role), new EndContract(HeldFunds.Release), Now));

        Assert.Equal(new TransferIntent("c1/m1/release", TransferPurpose.EndRelease, "m1", 10_000, Caller(role).Actor, null, Now + TimeSpan.FromDays(5)), contract.State.OpenTransfer);
        Assert.True(contract.State.OpenTransfer!.PaysFreelancer);

        contract.TransferApplied(Now);

        Assert.Equal(MilestoneStatus.Released, contract.Milestone("m1").Status);
        Assert.Equal([MilestoneStatus.Cancelled, MilestoneStatus.Cancelled], contract.State.Milestones.Skip(1).Select(m => m.Status));
        Assert.Equal(ContractStatus.Ended, contract.State.Status);
        Assert.Equal((10_000L, 0L), (contract.State.Released, contract.State.Refunded));
        Assert.Equal("endrelease", contract.State.Events.Last(e => e.Type == "milestone.released").Data["reason"]);
    }

    [Fact]
    public void End_ByTheFreelancer_ChoosingRelease_IsRejected()
    {
        var contract = ContractBuilder.New().Submitted(1);
        contract.Rejects(c => c.End(Freelancer, new EndContract(HeldFunds.Release), Now), "role_not_allowed");
    }

    [Fact]
    public void End_ByThePlatform_ChoosingRefund_RefundsTheClient()
    {
        var contract = ContractBuilder.New().Submitted(1);

        contract.EndApplied(Platform, HeldFunds.Refund, "Dispute resolved for the client");

        Assert.Equal(MilestoneStatus.Refunded, contract.Milestone("m1").Status);
        Assert.Equal(("contract.ended", "platform:ops-1"), (contract.LastEvent().Type, contract.LastEvent().Actor));
    }

    [Fact]
    public void End_AfterSomeMilestonesWereReleased_KeepsThemReleased()
    {
        var contract = ContractBuilder.New().Released(1);

        contract.EndApplied(Client, HeldFunds.Refund);

        Assert.Equal([MilestoneStatus.Released, MilestoneStatus.Cancelled, MilestoneStatus.Cancelled], contract.State.Milestones.Select(m => m.Status));
        Assert.Equal(10_000, contract.Price);
        Assert.Equal(ContractStatus.Ended, contract.State.Status);
    }

    [Fact]
    public void End_WithAnUnknownHeldFundsChoice_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        contract.Rejects(c => c.End(Client, new EndContract((HeldFunds)7), Now), "invalid_held_funds");
    }

    [Fact]
    public void End_WhileTheRefundIsOpen_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        Ok(contract.End(Client, new EndContract(HeldFunds.Refund), Now));

        contract.Rejects(c => c.End(Freelancer, new EndContract(HeldFunds.Refund), Now), "transfer_in_progress");
        contract.Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", "Done"), Now), "transfer_in_progress");
    }

    [Fact]
    public void End_Twice_IsRejected()
    {
        var contract = ContractBuilder.New().Ended();
        contract.Rejects(c => c.End(Client, new EndContract(HeldFunds.Refund), Now), "contract_state_conflict");
    }

    [Fact]
    public void End_OfACompletedContract_IsRejected()
    {
        var contract = ContractBuilder.New().Completed();
        contract.Rejects(c => c.End(Platform, new EndContract(HeldFunds.Refund), Now), "contract_state_conflict");
    }

    [Fact]
    public void End_OfADraft_IsRejected_TheDraftIsWithdrawnOrDeclinedInstead()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.End(Client, new EndContract(HeldFunds.Refund), Now), "contract_state_conflict");
    }

    [Fact]
    public void Completion_ComesOnlyWithTheLastRelease()
    {
        var contract = ContractBuilder.New().Released(2);
        Assert.Equal(ContractStatus.Active, contract.State.Status);

        contract.Release(3);

        Assert.Equal(ContractStatus.Completed, contract.State.Status);
        Assert.Equal(("contract.completed", "system", "60000"), (contract.LastEvent().Type, contract.LastEvent().Actor, contract.LastEvent().Data["released"]));
    }

    [Fact]
    public void Completion_FollowsTheMilestonesAsEdited()
    {
        var contract = ContractBuilder.New().Released(1);
        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m3"), Now));

        contract.Release(2);

        Assert.Equal(ContractStatus.Completed, contract.State.Status);
    }

    [Fact]
    public void TransferIds_AreDerivedFromTheContractTheMilestoneAndThePurpose()
    {
        Assert.Equal("c1/m2/fund", TransferIntent.IdFor("c1", "m2", TransferPurpose.Fund));
        Assert.Equal("c1/m2/refund", TransferIntent.IdFor("c1", "m2", TransferPurpose.EndRefund));
        Assert.Equal("c1/m2/release", TransferIntent.IdFor("c1", "m2", TransferPurpose.Approve));
        Assert.Equal("c1/m2/release", TransferIntent.IdFor("c1", "m2", TransferPurpose.AutoRelease));
        Assert.Equal("c1/m2/release", TransferIntent.IdFor("c1", "m2", TransferPurpose.EndRelease));
    }
}

public sealed class ClosingCancelsOpenChangeRequestsTests
{
    [Fact]
    public void End_WithAnOpenChangeRequest_CancelsIt_SoItCanNoLongerBeDecided()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.ProposeChange(Freelancer, ContractBuilder.ProposeLowerM3, Now));

        Ok(contract.End(Client, new EndContract(HeldFunds.Refund), Now));

        var request = Assert.Single(contract.State.ChangeRequests);
        Assert.Equal((ChangeRequestStatus.Cancelled, (DateTimeOffset?)Now), (request.Status, request.DecidedAt));
        Assert.Contains("change_request.cancelled", contract.EventTypes());
        contract.Rejects(c => c.AcceptChange(Client, "cr1", null, Now), "contract_state_conflict");
    }
}
