using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>After start the client edits Pending milestones directly; Funded and Submitted ones are locked.</summary>
public sealed class EditingAfterStartTests
{
    public static TheoryData<string> LockedStates() => ["funded", "submitted", "released"];

    [Fact]
    public void AddMilestone_AfterStart_ByTheClient_AppendsAPendingMilestone_WithTheMessageForTheFreelancer()
    {
        var contract = ContractBuilder.New().Funded(1);

        Ok(contract.AddMilestone(Client, new AddMilestone("Launch support", Due, 7_000, Message: "Adding support"), Now));

        Assert.Equal(["m1", "m2", "m3", "m4"], contract.State.Milestones.Select(m => m.Id));
        Assert.Equal(MilestoneStatus.Pending, contract.Milestone("m4").Status);
        var added = contract.LastEvent();
        Assert.Equal(("milestone.added", Client.UserId, "Adding support", "m4"), (added.Type, added.Actor, added.Message, added.Data["milestoneId"]));
        Assert.Equal(ContractStatus.Active, contract.State.Status);
    }

    [Fact]
    public void EditMilestone_AfterStart_ByTheClient_ChangesAPendingMilestone_WithTheMessage()
    {
        var contract = ContractBuilder.New().Funded(1);
        var newDue = Due.AddDays(7);

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", "Part 2, bigger", newDue, 26_000, Message: "Scope grew"), Now));

        var m2 = contract.Milestone("m2");
        Assert.Equal(("Part 2, bigger", newDue, 26_000L, MilestoneStatus.Pending), (m2.Description, m2.DueDate, m2.Amount, m2.Status));
        Assert.Equal(("milestone.edited", "Scope grew"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void DeleteMilestone_AfterStart_ByTheClient_RemovesAPendingMilestone()
    {
        var contract = ContractBuilder.New().Funded(1);

        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m3", "Not needed"), Now));

        Assert.Equal(["m1", "m2"], contract.State.Milestones.Select(m => m.Id));
        Assert.Equal(("milestone.deleted", "Not needed"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void ReorderMilestone_AfterStart_ByTheClient_MovesPendingMilestonesAmongThemselves()
    {
        var contract = ContractBuilder.New().Funded(1);

        Ok(contract.EditMilestone(Client, new EditMilestone("m3", Position: 2), Now));

        Assert.Equal(["m1", "m3", "m2"], contract.State.Milestones.Select(m => m.Id));
    }

    [Fact]
    public void Edits_AfterStart_LeaveTheFundedMilestoneAndItsHoldAlone()
    {
        var contract = ContractBuilder.New().Funded(1);
        var m1Before = System.Text.Json.JsonSerializer.Serialize(contract.Milestone("m1"));

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", Amount: 1), Now));
        Ok(contract.AddMilestone(Client, new AddMilestone("More", Due, 2), Now));
        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m3"), Now));

        Assert.Equal(m1Before, System.Text.Json.JsonSerializer.Serialize(contract.Milestone("m1")));
        Assert.Equal(10_000, contract.State.Funded);
    }

    [Theory]
    [MemberData(nameof(LockedStates))]
    public void EditMilestone_ThatIsFundedSubmittedOrReleased_IsRejectedAsLocked(string state)
    {
        var contract = Arrange(state);
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Amount: 1), Now), "milestone_locked");
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Description: "New"), Now), "milestone_locked");
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Position: 2), Now), "milestone_locked");
    }

    [Theory]
    [MemberData(nameof(LockedStates))]
    public void DeleteMilestone_ThatIsFundedSubmittedOrReleased_IsRejectedAsLocked(string state)
    {
        var contract = Arrange(state);
        contract.Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m1"), Now), "milestone_locked");
    }

    [Theory]
    [MemberData(nameof(LockedStates))]
    public void MovingAPendingMilestone_InFrontOfALockedOne_IsRejected(string state)
    {
        var contract = Arrange(state);
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m3", Position: 1), Now), "milestone_locked");
    }

    [Theory]
    [MemberData(nameof(LockedStates))]
    public void AddingAMilestone_InFrontOfALockedOne_IsRejected(string state)
    {
        var contract = Arrange(state);
        contract.Rejects(c => c.AddMilestone(Client, new AddMilestone("First!", Due, 1_000, Position: 1), Now), "milestone_locked");
    }

    [Fact]
    public void AddingAMilestone_RightAfterTheLockedOnes_Succeeds()
    {
        var contract = ContractBuilder.New().Released(1);

        Ok(contract.AddMilestone(Client, new AddMilestone("Next", Due, 1_000, Position: 2), Now));

        Assert.Equal(["m1", "m4", "m2", "m3"], contract.State.Milestones.Select(m => m.Id));
    }

    [Fact]
    public void DeleteMilestone_WhenOnlyReleasedMilestonesWouldRemain_IsRejected()
    {
        var contract = ContractBuilder.New().WithAmounts(10_000, 20_000).Released(1);
        contract.Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m2"), Now), "last_milestone");
    }

    [Fact]
    public void FreelancerEdits_AfterStart_AreRejected_AndPointToChangeRequests()
    {
        var contract = ContractBuilder.New().Funded(1);

        var error = contract.Rejects(c => c.EditMilestone(Freelancer, new EditMilestone("m2", Amount: 30_000), Now), "role_not_allowed");
        contract.Rejects(c => c.AddMilestone(Freelancer, new AddMilestone("More", Due, 1_000), Now), "role_not_allowed");
        contract.Rejects(c => c.DeleteMilestone(Freelancer, new DeleteMilestone("m3"), Now), "role_not_allowed");

        Assert.Contains("change request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_WithAMessageThatIsTooLong_IsRejected()
    {
        var contract = ContractBuilder.New().Active();
        var tooLong = new string('x', Validate.MaxMessageLength + 1);
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m2", Amount: 1, Message: tooLong), Now), "message_too_long");
    }

    [Fact]
    public void AnEditedMilestone_IsFundedWithItsNewAmount()
    {
        var contract = ContractBuilder.New().Released(1);
        Ok(contract.EditMilestone(Client, new EditMilestone("m2", Amount: 21_500), Now));

        Ok(contract.Fund(Client, "m2"));

        Assert.Equal(21_500, contract.State.OpenTransfer!.Amount);
    }

    private static Contract Arrange(string state) => state switch
    {
        "funded" => ContractBuilder.New().Funded(1),
        "submitted" => ContractBuilder.New().Submitted(1),
        "released" => ContractBuilder.New().Released(1),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
