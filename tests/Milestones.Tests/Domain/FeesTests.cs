using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// The fee schedule: a fee in basis points rounded half away from zero; the schedule a contract pins when it becomes
/// active, kept whatever the rules say later; and the orders a decided transfer sends, fees included.
/// </summary>
public sealed class FeesTests
{
    private static readonly FeeSchedule AtActivation = new(2_000, 500);
    private static readonly FeeSchedule Later = new(500, 100);

    private static ContractRules RulesWith(FeeSchedule fees) => ContractRules.Default with { Fees = fees };

    [Theory]
    [InlineData(10_000, 300, 300)]
    [InlineData(50, 300, 2)]
    [InlineData(49, 300, 1)]
    [InlineData(16, 300, 0)]
    [InlineData(17, 300, 1)]
    [InlineData(4, 1_000, 0)]
    [InlineData(5, 1_000, 1)]
    [InlineData(15, 1_000, 2)]
    [InlineData(25, 1_000, 3)]
    [InlineData(1, 5_000, 1)]
    [InlineData(0, 300, 0)]
    [InlineData(1_000, 0, 0)]
    [InlineData(long.MaxValue, 5_000, 4_611_686_018_427_387_904)]
    public void AFee_IsItsBasisPointsOfTheAmount_RoundedHalfAwayFromZero_WithoutOverflow(long amount, int bps, long fee) =>
        Assert.Equal(fee, FeeSchedule.Of(amount, bps));

    [Fact]
    public void AFee_OfANegativeAmountOrRate_IsABug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FeeSchedule.Of(-1, 300));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeeSchedule.Of(1, -1));
    }

    [Fact]
    public void AContract_PinsTheScheduleItBecomesActiveUnder_AndKeepsItUnderLaterRules()
    {
        var contract = ContractBuilder.New().WithRules(RulesWith(AtActivation)).Active();
        Assert.Equal(AtActivation, contract.State.Fees);
        var activated = contract.State.Events.Single(e => e.Type == "contract.activated");
        Assert.Equal(("2000", "500"), (activated.Data["freelancerServiceFeeBps"], activated.Data["clientFeeBps"]));

        // The same stored state under a later configuration, as a reactivated grain reads it.
        var later = new Contract(contract.State, RulesWith(Later));
        later.FundApplied(1);
        Assert.Equal((AtActivation, 10_500L), (later.Fees, later.HoldFor(later.Milestone("m1"))));
        Assert.Equal("500", later.LastEvent().Data["clientFee"]);
        later.SubmitOk(1);
        later.ApproveApplied(1);

        var released = later.State.Events.Single(e => e.Type == "milestone.released");
        Assert.Equal(("8000", "2000", "500", "0"), (released.Data["freelancerNet"], released.Data["serviceFee"], released.Data["clientFee"], released.Data["returned"]));
        Assert.Equal(AtActivation, new Contract(later.State, RulesWith(Later)).ToView().Fees);
    }

    [Fact]
    public void BeforeItIsActive_AContractShowsTheScheduleItWouldPinNow_AndPinsTheOneInForceWhenItBecomesActive()
    {
        var draft = ContractBuilder.New().WithRules(RulesWith(AtActivation)).Draft();
        Assert.Equal((null, AtActivation), (draft.State.Fees, draft.Fees));

        var later = new Contract(draft.State, RulesWith(Later));
        Assert.Equal(Later, later.ToView().Fees);
        Ok(later.AcceptTerms(Client, 1, Now));
        Ok(later.AcceptTerms(Freelancer, 1, Now));

        Assert.Equal(Later, later.State.Fees);
        Assert.Equal(Later, new Contract(later.State, RulesWith(AtActivation)).Fees);
    }

    /// <summary>A milestone of 10,000 holds 10,300; each fee is on the released part, rounded on its own; the rest of the hold returns.</summary>
    [Theory]
    [InlineData(10_000, 9_000, 1_000, 300, 0)]
    [InlineData(7_550, 6_795, 755, 227, 2_523)]
    [InlineData(5_005, 4_504, 501, 150, 5_145)]
    [InlineData(1, 1, 0, 0, 10_299)]
    public void ARelease_SplitsTheHold_IntoTheNet_EachFee_AndWhatReturns(long released, long net, long serviceFee, long clientFee, long returned)
    {
        var contract = ContractBuilder.New().Funded(1);

        var split = contract.Split(contract.Milestone("m1"), released);

        Assert.Equal(new ReleaseSplit(net, serviceFee, clientFee, returned), split);
        Assert.Equal(10_300, split.Net + split.ServiceFee + split.ClientFee + split.Returned);
    }

    [Fact]
    public void APartialApproval_SendsTheCaptureToTheClient_ThenTheNetPending_AndEachFee_UnderIdsOfTheirOwn()
    {
        var contract = ContractBuilder.New().Submitted(1);
        Ok(contract.Approve(Client, new ApproveWork("m1", 7_550, "Most of it"), Now));
        var intent = contract.State.OpenTransfer!;
        Assert.Equal(new TransferIntent("c1/m1/release", TransferPurpose.Approve, "m1", 7_550, Client.UserId, "Most of it", Now + TimeSpan.FromDays(5)), intent);

        var orders = contract.Orders(intent);

        Assert.Equal<(string, TransferOrder)>(
            [
                ("usr_client-1", new TransferOrder("c1/m1/release", TransferKind.Capture, new Money(10_300, Usd), "c1", "m1", Freelancer.UserId,
                [
                    new TransferLeg("c1/m1/release", "usr_freelancer-1", 6_795),
                    new TransferLeg("c1/m1/release/service-fee", "fee_USD", 755),
                    new TransferLeg("c1/m1/release/client-fee", "fee_USD", 227),
                ])),
                ("usr_freelancer-1", new TransferOrder("c1/m1/release", TransferKind.Credit, new Money(6_795, Usd), "c1", "m1", Client.UserId, AvailableAt: Now + TimeSpan.FromDays(5))),
                ("fee_USD", new TransferOrder("c1/m1/release/service-fee", TransferKind.Credit, new Money(755, Usd), "c1", "m1", Freelancer.UserId)),
                ("fee_USD", new TransferOrder("c1/m1/release/client-fee", TransferKind.Credit, new Money(227, Usd), "c1", "m1", Client.UserId)),
            ],
            orders);
        Assert.Equal(orders, contract.Orders(intent));

        contract.TransferApplied(Now);
        Assert.Equal((7_550L, 10_000L, 7_550L, 2_450L), (contract.Milestone("m1").ReleasedAmount, contract.State.Funded, contract.State.Released, contract.State.Refunded));
    }

    [Fact]
    public void AReleaseOfOneCent_SendsNoFeeOrders()
    {
        var contract = ContractBuilder.New().Submitted(1);
        Ok(contract.Approve(Client, new ApproveWork("m1", 1), Now));

        var orders = contract.Orders(contract.State.OpenTransfer!);

        Assert.Equal(["usr_client-1", "usr_freelancer-1"], orders.Select(o => o.Account));
        Assert.Equal([new TransferLeg("c1/m1/release", "usr_freelancer-1", 1)], orders[0].Order.Legs!);
    }

    [Fact]
    public void FundingAndARefund_HoldAndReturnTheMilestone_WithTheClientsFee()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.Fund(Client, "m1"));
        Assert.Equal([("usr_client-1", new TransferOrder("c1/m1/fund", TransferKind.Hold, new Money(10_300, Usd), "c1", "m1"))], contract.Orders(contract.State.OpenTransfer!));
        contract.TransferApplied(Now);

        Ok(contract.End(Client, new EndContract(HeldFunds.Refund), Now));

        Assert.Equal([("usr_client-1", new TransferOrder("c1/m1/refund", TransferKind.Refund, new Money(10_300, Usd), "c1", "m1"))], contract.Orders(contract.State.OpenTransfer!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void AnApproval_OfNothing_OrOfMoreThanTheMilestone_IsRejected(long amount)
    {
        var contract = ContractBuilder.New().Submitted(1);
        contract.Rejects(c => c.Approve(Client, new ApproveWork("m1", amount), Now), "invalid_amount");
    }
}
