using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>After start the freelancer proposes changes; the client accepts them atomically or declines; the freelancer may withdraw.</summary>
public sealed class ChangeRequestTests
{
    private static readonly ProposeChange AddEditDelete = new("New plan", [
        new ChangeOperation(ChangeOperationKind.Add, Description: "Extra", DueDate: Due, Amount: 4_000),
        new ChangeOperation(ChangeOperationKind.Edit, "m2", Amount: 22_000),
        new ChangeOperation(ChangeOperationKind.Delete, "m3"),
    ]);

    [Fact]
    public void Propose_ByTheFreelancer_OpensARequest_AndChangesNoMilestone()
    {
        var contract = ContractBuilder.New().Funded(1);
        var milestonesBefore = System.Text.Json.JsonSerializer.Serialize(contract.State.Milestones);
        var termsVersion = contract.State.TermsVersion;

        Ok(contract.ProposeChange(Freelancer, AddEditDelete, Now));

        var request = Assert.Single(contract.State.ChangeRequests);
        Assert.Equal(("cr1", ChangeRequestStatus.Open, "New plan", Now), (request.Id, request.Status, request.Message, request.CreatedAt));
        Assert.Equal(AddEditDelete.Operations, request.Operations);
        Assert.Null(request.DecidedAt);
        Assert.Equal("cr1", contract.LastChangeRequestId);
        Assert.Equal(milestonesBefore, System.Text.Json.JsonSerializer.Serialize(contract.State.Milestones));
        Assert.Equal(termsVersion, contract.State.TermsVersion);
        var opened = contract.LastEvent();
        Assert.Equal(("change_request.opened", Freelancer.UserId, "New plan", "cr1"), (opened.Type, opened.Actor, opened.Message, opened.Data["changeRequestId"]));
    }

    [Fact]
    public void Propose_Twice_NumbersTheRequests()
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();

        Ok(contract.ProposeChange(Freelancer, AddEditDelete, Now));

        Assert.Equal(["cr1", "cr2"], contract.State.ChangeRequests.Select(r => r.Id));
        Assert.Equal("cr2", contract.LastChangeRequestId);
    }

    [Fact]
    public void Propose_InDraft_IsRejected_BecauseBothPartiesEditDirectly()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.ProposeChange(Freelancer, AddEditDelete, Now), "contract_state_conflict");
    }

    [Fact]
    public void Propose_WithoutAMessage_IsRejected()
    {
        var contract = ContractBuilder.New().Active();
        contract.Rejects(c => c.ProposeChange(Freelancer, AddEditDelete with { Message = "" }, Now), "message_required");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Validate.MaxOperations + 1)]
    public void Propose_WithNoOrTooManyOperations_IsRejected(int count)
    {
        var contract = ContractBuilder.New().Active();
        var ops = Enumerable.Repeat(new ChangeOperation(ChangeOperationKind.Edit, "m2", Amount: 1), count).ToList();
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", ops), Now), "invalid_operations");
    }

    [Fact]
    public void Propose_WithTheMaximumNumberOfOperations_Succeeds()
    {
        var contract = ContractBuilder.New().Active();
        var ops = Enumerable.Repeat(new ChangeOperation(ChangeOperationKind.Edit, "m2", Amount: 1), Validate.MaxOperations).ToList();
        Ok(contract.ProposeChange(Freelancer, new ProposeChange("Plan", ops), Now));
    }

    [Fact]
    public void Propose_TouchingAFundedMilestone_IsRejected()
    {
        var contract = ContractBuilder.New().Funded(1);
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Edit, "m1", Amount: 1)]), Now), "milestone_locked");
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Delete, "m1")]), Now), "milestone_locked");
    }

    [Fact]
    public void Propose_WithAnInvalidOperation_IsRejected()
    {
        var contract = ContractBuilder.New().Active();
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Edit, "m2", Amount: 0)]), Now), "invalid_amount");
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Add, Description: "x", Amount: 1)]), Now), "milestone_fields_required");
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Delete, "m9")]), Now), "milestone_not_found");
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation((ChangeOperationKind)9, "m2")]), Now), "invalid_operation");
        contract.Rejects(c => c.ProposeChange(Freelancer, new ProposeChange("Plan", [null!]), Now), "invalid_operation");
    }

    [Fact]
    public void Accept_ByTheClient_AppliesEveryOperation()
    {
        var contract = ContractBuilder.New().Funded(1);
        Ok(contract.ProposeChange(Freelancer, AddEditDelete, Now));

        Ok(contract.AcceptChange(Client, "cr1", "Agreed", Now.AddHours(1)));

        Assert.Equal(["m1", "m2", "m4"], contract.State.Milestones.Select(m => m.Id));
        Assert.Equal(22_000, contract.Milestone("m2").Amount);
        Assert.Equal(("Extra", 4_000L, MilestoneStatus.Pending), (contract.Milestone("m4").Description, contract.Milestone("m4").Amount, contract.Milestone("m4").Status));
        var request = contract.State.ChangeRequests[0];
        Assert.Equal((ChangeRequestStatus.Accepted, (DateTimeOffset?)Now.AddHours(1), "Agreed"), (request.Status, request.DecidedAt, request.DecisionMessage));
        Assert.Equal(["milestone.added", "milestone.edited", "milestone.deleted", "change_request.accepted"], contract.EventTypes().TakeLast(4));
        Assert.Equal(Client.UserId, contract.LastEvent().Actor);
    }

    [Fact]
    public void Accept_WhenATouchedMilestoneIsNoLongerPending_IsRejectedAsStale_AndAppliesNothing()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.ProposeChange(Freelancer, new ProposeChange("Plan", [
            new ChangeOperation(ChangeOperationKind.Edit, "m3", Amount: 31_000),
            new ChangeOperation(ChangeOperationKind.Edit, "m1", Amount: 11_000),
        ]), Now));
        contract.FundApplied(1);

        contract.Rejects(c => c.AcceptChange(Client, "cr1", null, Now), "change_request_stale");

        Assert.Equal(30_000, contract.Milestone("m3").Amount);
        Assert.Equal(ChangeRequestStatus.Open, contract.State.ChangeRequests[0].Status);
    }

    [Fact]
    public void Accept_WhenATouchedMilestoneWasDeleted_IsRejectedAsStale()
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();
        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m3"), Now));

        contract.Rejects(c => c.AcceptChange(Client, "cr1", null, Now), "change_request_stale");
    }

    [Fact]
    public void Accept_WhenAnAddWouldNowLandInFrontOfAFundedMilestone_IsRejectedAsStale()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.ProposeChange(Freelancer, new ProposeChange("Plan", [new ChangeOperation(ChangeOperationKind.Add, Description: "Kick-off", DueDate: Due, Amount: 1_000, Position: 1)]), Now));
        contract.FundApplied(1);

        contract.Rejects(c => c.AcceptChange(Client, "cr1", null, Now), "change_request_stale");
    }

    [Fact]
    public void Decline_ByTheClient_ClosesTheRequest_AndChangesNoMilestone()
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();

        Ok(contract.DeclineChange(Client, "cr1", "Keep the plan", Now));

        Assert.Equal(30_000, contract.Milestone("m3").Amount);
        Assert.Equal((ChangeRequestStatus.Declined, "Keep the plan"), (contract.State.ChangeRequests[0].Status, contract.State.ChangeRequests[0].DecisionMessage));
        Assert.Equal(("change_request.declined", "Keep the plan"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void Withdraw_ByTheFreelancer_WhileOpen_ClosesTheRequest()
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();

        Ok(contract.WithdrawChange(Freelancer, "cr1", null, Now));

        Assert.Equal(ChangeRequestStatus.Withdrawn, contract.State.ChangeRequests[0].Status);
        Assert.Equal(30_000, contract.Milestone("m3").Amount);
        Assert.Equal("change_request.withdrawn", contract.LastEvent().Type);
    }

    public static TheoryData<string, string> DecidedTwice() => new()
    {
        { "accept", "accept" }, { "accept", "decline" }, { "accept", "withdraw" },
        { "decline", "accept" }, { "decline", "decline" }, { "decline", "withdraw" },
        { "withdraw", "accept" }, { "withdraw", "decline" }, { "withdraw", "withdraw" },
    };

    [Theory]
    [MemberData(nameof(DecidedTwice))]
    public void ARequest_OnceDecided_CannotBeDecidedAgain(string first, string second)
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();
        Ok(Decide(contract, first));

        contract.Rejects(c => Decide(c, second), "change_request_not_open");
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("decline")]
    [InlineData("withdraw")]
    public void Deciding_AnUnknownRequest_IsRejected(string decision)
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();
        contract.Rejects(c => Decide(c, decision, "cr9"), "change_request_not_found");
    }

    [Fact]
    public void Accept_AfterTheContractEnded_IsRejected()
    {
        var contract = ContractBuilder.New().WithOpenChangeRequest();
        contract.EndApplied(Client, HeldFunds.Refund);

        contract.Rejects(c => c.AcceptChange(Client, "cr1", null, Now), "contract_state_conflict");
        contract.Rejects(c => c.WithdrawChange(Freelancer, "cr1", null, Now), "contract_state_conflict");
    }

    private static Error? Decide(Contract contract, string decision, string id = "cr1") => decision switch
    {
        "accept" => contract.AcceptChange(Client, id, null, Now),
        "decline" => contract.DeclineChange(Client, id, null, Now),
        "withdraw" => contract.WithdrawChange(Freelancer, id, null, Now),
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };
}
