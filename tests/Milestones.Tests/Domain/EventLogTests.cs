using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>Every state change is an event: sequence number, time, actor, type, data, message.</summary>
public sealed class EventLogTests
{
    [Fact]
    public void AWholeLifecycle_RecordsEveryStepInOrder_WithWhoAndWhen()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);
        var t = Now;
        Ok(contract.Create(Client, ContractId, ContractBuilder.Offer(10_000, 20_000), t));
        Ok(contract.AddMilestone(Freelancer, new AddMilestone("Support", Due, 5_000, Message: "Adding support"), t = t.AddHours(1)));
        Ok(contract.AcceptTerms(Client, 2, t = t.AddHours(1)));
        Ok(contract.AcceptTerms(Freelancer, 2, t = t.AddHours(1)));
        contract.FundApplied(1, t = t.AddHours(1));
        contract.SubmitOk(1, t = t.AddHours(1));
        Ok(contract.RequestChanges(Client, new RequestChanges("m1", "Bigger logo"), t = t.AddHours(1)));
        contract.SubmitOk(1, t = t.AddHours(1));
        contract.ApproveApplied(1, t = t.AddHours(1));
        Ok(contract.ProposeChange(Freelancer, new ProposeChange("Drop support", [new ChangeOperation(ChangeOperationKind.Delete, "m3")]), t = t.AddHours(1)));
        Ok(contract.DeclineChange(Client, "cr1", "Keep it", t = t.AddHours(1)));
        contract.FundApplied(2, t = t.AddHours(1));
        contract.SubmitOk(2, t = t.AddHours(1));
        Ok(contract.AutoRelease(t = t.AddDays(14)));
        contract.TransferApplied(t);
        contract.EndApplied(Platform, HeldFunds.Refund, "Closing", t = t.AddHours(1));

        var expected = new (string Type, string Actor, string? Message)[]
        {
            ("contract.created", "client-1", null),
            ("milestone.added", "freelancer-1", "Adding support"),
            ("terms.accepted", "client-1", null),
            ("terms.accepted", "freelancer-1", null),
            ("contract.activated", "freelancer-1", null),
            ("milestone.funded", "client-1", null),
            ("milestone.submitted", "freelancer-1", "Part 1 is done"),
            ("milestone.changes_requested", "client-1", "Bigger logo"),
            ("milestone.submitted", "freelancer-1", "Part 1 is done"),
            ("milestone.released", "client-1", null),
            ("fee.charged", "system", null),
            ("change_request.opened", "freelancer-1", "Drop support"),
            ("change_request.declined", "client-1", "Keep it"),
            ("milestone.funded", "client-1", null),
            ("milestone.submitted", "freelancer-1", "Part 2 is done"),
            ("milestone.released", "system", null),
            ("fee.charged", "system", null),
            ("milestone.cancelled", "platform:ops-1", null),
            ("contract.ended", "platform:ops-1", "Closing"),
        };
        var events = contract.State.Events;
        Assert.Equal(expected, events.Select(e => (e.Type, e.Actor, e.Message)));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(events.Select(e => e.At).Order(), events.Select(e => e.At));
        Assert.Equal((long)events.Count, contract.State.Version);
        Assert.Equal(t, contract.State.UpdatedAt);
    }

    [Fact]
    public void Events_CarryTheirData()
    {
        var contract = ContractBuilder.New().Draft();
        Assert.Equal(new Dictionary<string, string> { ["price"] = "60000", ["currency"] = "USD" }, contract.LastEvent().Data);

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", Amount: 1), Now));
        Assert.Equal(new Dictionary<string, string> { ["milestoneId"] = "m2", ["termsVersion"] = "2" }, contract.LastEvent().Data);

        Ok(contract.AcceptTerms(Client, 2, Now));
        Assert.Equal(new Dictionary<string, string> { ["termsVersion"] = "2" }, contract.LastEvent().Data);

        Ok(contract.AcceptTerms(Freelancer, 2, Now));
        contract.FundApplied(1);
        Assert.Equal(new Dictionary<string, string> { ["milestoneId"] = "m1", ["amount"] = "10000", ["clientFee"] = "300" }, contract.LastEvent().Data);

        contract.SubmitOk(1);
        Assert.Equal(new Dictionary<string, string> { ["milestoneId"] = "m1", ["autoReleaseAt"] = "2030-01-15T09:00:00.0000000+00:00" }, contract.LastEvent().Data);

        contract.ApproveApplied(1);
        var released = contract.State.Events[^2];
        Assert.Equal("milestone.released", released.Type);
        Assert.Equal(new Dictionary<string, string>
        {
            ["milestoneId"] = "m1", ["amount"] = "10000", ["reason"] = "approve", ["freelancerNet"] = "9000", ["serviceFee"] = "1000",
            ["clientFee"] = "300", ["returned"] = "0", ["availableAt"] = "2030-01-06T09:00:00.0000000+00:00",
        }, released.Data);
        Assert.Equal(new Dictionary<string, string>
        {
            ["milestoneId"] = "m1", ["transferId"] = "c1/m1/release", ["serviceFee"] = "1000", ["clientFee"] = "300",
        }, contract.LastEvent().Data);
    }

    [Fact]
    public void ARejectedCommand_RecordsNoEvent()
    {
        var contract = ContractBuilder.New().Funded(1);
        var count = contract.State.Events.Count;

        Assert.NotNull(contract.Approve(Client, new ApproveWork("m1"), Now));
        Assert.NotNull(contract.Fund(Freelancer, "m2"));
        Assert.NotNull(contract.AcceptTerms(Client, 1, Now));

        Assert.Equal(count, contract.State.Events.Count);
    }

    [Fact]
    public void AMoneyMovement_IsRecordedOnlyOnceItIsApplied_AndARefusedOneNotAtAll()
    {
        var contract = ContractBuilder.New().Active();
        var count = contract.State.Events.Count;

        Ok(contract.Fund(Client, "m1"));
        Assert.Equal(count, contract.State.Events.Count);
        contract.TransferRejected();
        Assert.Equal(count, contract.State.Events.Count);

        Ok(contract.Fund(Client, "m1"));
        contract.TransferApplied(Now);
        Assert.Equal(count + 1, contract.State.Events.Count);
    }

    [Fact]
    public void TheVersion_ChangesWithEveryEvent_SoItCanServeAsAnETag()
    {
        var contract = ContractBuilder.New().Draft();
        var version = contract.State.Version;

        Ok(contract.EditMilestone(Client, new EditMilestone("m1", Amount: 1), Now));

        Assert.Equal(version + 1, contract.State.Version);
    }
}
