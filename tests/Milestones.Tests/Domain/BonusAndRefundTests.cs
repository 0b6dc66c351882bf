using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// Bonuses (the client's) and refunds after release (the freelancer's, at most what was released in the window): who
/// may, how much, which fields are wrong; a refusal changes nothing.
/// </summary>
public sealed class BonusAndRefundTests
{
    [Theory]
    [InlineData("freelancer")]
    [InlineData("platform")]
    public void ABonus_ByAnyoneButTheClient_IsRefused(string role) =>
        ContractBuilder.New().Active().Rejects(c => c.PayBonus(Caller(role), new PayMoney(500), Now), "role_not_allowed");

    [Fact]
    public void ABonus_ByTheClient_IsDecided_ForItsAmount()
    {
        var contract = ContractBuilder.New().Active();

        Ok(contract.PayBonus(Client, new PayMoney(500, "Thanks"), Now));

        Assert.Equal((TransferPurpose.Bonus, 500L, "Thanks"), (contract.State.OpenTransfer!.Purpose, contract.State.OpenTransfer.Amount, contract.State.OpenTransfer.Message));
    }

    [Theory]
    [InlineData("client")]
    [InlineData("platform")]
    public void ARefund_ByAnyoneButTheFreelancer_IsRefused(string role) =>
        ContractBuilder.New().Released(1).Rejects(c => c.IssueRefund(Caller(role), new PayMoney(500), Now), "role_not_allowed");

    [Fact]
    public void ARefund_OfExactlyWhatWasReleased_IsDecided_AndOneUnitMoreIsRefused()
    {
        var contract = ContractBuilder.New().Released(1);

        contract.Rejects(c => c.IssueRefund(Freelancer, new PayMoney(Amounts[0] + 1), Now), "refund_exceeds_released");
        Ok(contract.IssueRefund(Freelancer, new PayMoney(Amounts[0]), Now));

        Assert.Equal((TransferPurpose.Refund, Amounts[0]), (contract.State.OpenTransfer!.Purpose, contract.State.OpenTransfer.Amount));
    }

    [Fact]
    public void WhatWasReleased_IsRefundableUntilTheWindowEnds_AndNotAtItsEnd()
    {
        var contract = ContractBuilder.New().Released(1);

        Assert.Equal(Amounts[0], contract.Refundable(Now + Contract.RefundWindow - TimeSpan.FromTicks(1)));
        Assert.Equal(0, contract.Refundable(Now + Contract.RefundWindow));
    }

    [Fact]
    public void ABonusAndARefund_WithABadAmountAndABadMessage_NameBoth_AmountFirst()
    {
        var tooLong = new string('x', Validate.MaxMessageLength + 1);

        var bonus = ContractBuilder.New().Active().Rejects(c => c.PayBonus(Client, new PayMoney(0, tooLong), Now), "invalid_amount");
        var refund = ContractBuilder.New().Released(1).Rejects(c => c.IssueRefund(Freelancer, new PayMoney(-1, tooLong), Now), "invalid_amount");

        Assert.All([bonus, refund], error => Assert.Equal(["invalid_amount", "message_too_long"], error.All.Select(e => e.Code)));
        ContractBuilder.New().Active().Rejects(c => c.PayBonus(Client, new PayMoney(500, tooLong), Now), "message_too_long");
        ContractBuilder.New().Released(1).Rejects(c => c.IssueRefund(Freelancer, new PayMoney(ContractRules.Default.MaxAmount + 1), Now), "amount_too_large");
    }

    [Fact]
    public void ABonus_TakesTheClientsBalance_ForTheFreelancerAndTheFees_AndRecordsWhatEachGot()
    {
        var contract = ContractBuilder.New().Active();
        Ok(contract.PayBonus(Client, new PayMoney(1_000, "Thanks"), Now));
        var intent = contract.State.OpenTransfer!;
        var (client, freelancer, fees) = (GrainKeys.User(Client.UserId), GrainKeys.User(Freelancer.UserId), GrainKeys.FeeAccount(Usd));

        // 1,000 with a 10 % service fee (100) and a 3 % client fee (30): the client pays 1,030.
        var legs = new[] { new TransferLeg(intent.TransferId, freelancer, 900), new TransferLeg(intent.TransferId + TransferIntent.ServiceFeeLeg, fees, 100), new TransferLeg(intent.TransferId + TransferIntent.ClientFeeLeg, fees, 30) };
        Assert.Equal(
            [
                (client, new TransferOrder(intent.TransferId, TransferKind.Debit, new Money(1_030, Usd), ContractId, null, Freelancer.UserId, legs)),
                (freelancer, new TransferOrder(intent.TransferId, TransferKind.Credit, new Money(900, Usd), ContractId, null, Client.UserId, AvailableAt: Now + ContractRules.Default.SecurityPeriod)),
                (fees, new TransferOrder(legs[1].TransferId, TransferKind.Credit, new Money(100, Usd), ContractId, null, Freelancer.UserId)),
                (fees, new TransferOrder(legs[2].TransferId, TransferKind.Credit, new Money(30, Usd), ContractId, null, Client.UserId)),
            ],
            contract.Orders(intent));

        contract.TransferApplied(Now);

        Assert.Equal(("b1", 1_000L, 100L), (contract.State.Bonuses.Single().Id, contract.State.Bonuses.Single().Amount, contract.State.Bonuses.Single().ServiceFee));
        var paid = contract.State.Events[^2];
        Assert.Equal("bonus.paid", paid.Type);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["bonusId"] = "b1", ["amount"] = "1000", ["freelancerNet"] = "900", ["serviceFee"] = "100", ["clientFee"] = "30",
                ["availableAt"] = (Now + ContractRules.Default.SecurityPeriod).ToString("O"),
            },
            paid.Data);
        Assert.Equal(("fee.charged", "100", "30"), (contract.LastEvent().Type, contract.LastEvent().Data["serviceFee"], contract.LastEvent().Data["clientFee"]));
    }

    [Fact]
    public void ARefund_ComesFromTheFreelancerLessTheServiceFee_WhichTheFeeAccountReturns_AndIsRecorded()
    {
        var contract = ContractBuilder.New().Released(1);
        Ok(contract.IssueRefund(Freelancer, new PayMoney(4_000, "Sorry"), Now));
        var intent = contract.State.OpenTransfer!;
        var (client, freelancer, fees) = (GrainKeys.User(Client.UserId), GrainKeys.User(Freelancer.UserId), GrainKeys.FeeAccount(Usd));
        var feeLeg = intent.TransferId + TransferIntent.ServiceFeeLeg;

        Assert.Equal(
            [
                (freelancer, new TransferOrder(intent.TransferId, TransferKind.Debit, new Money(3_600, Usd), ContractId, null, Client.UserId, [new TransferLeg(intent.TransferId, client, 3_600)])),
                (fees, new TransferOrder(feeLeg, TransferKind.Debit, new Money(400, Usd), ContractId, null, Client.UserId, [new TransferLeg(feeLeg, client, 400)])),
                (client, new TransferOrder(intent.TransferId, TransferKind.Credit, new Money(3_600, Usd), ContractId, null, Freelancer.UserId)),
                (client, new TransferOrder(feeLeg, TransferKind.Credit, new Money(400, Usd), ContractId, null, GrainKeys.UserIdOf(fees))),
            ],
            contract.Orders(intent));

        contract.TransferApplied(Now);

        Assert.Equal(("r1", 4_000L, 400L), (contract.State.Refunds.Single().Id, contract.State.Refunds.Single().Amount, contract.State.Refunds.Single().ServiceFee));
        Assert.Equal(("refund.issued", "4000", "400"), (contract.LastEvent().Type, contract.LastEvent().Data["amount"], contract.LastEvent().Data["serviceFeeReturned"]));
        Assert.Equal(Amounts[0] - 4_000, contract.Refundable(Now));
    }

    [Fact]
    public void EarlierRefunds_UseTheOldestReleasesInTheirWindowFirst_AndEachReturnsTheServiceFeeOnItsAmount()
    {
        // m1 (10,000) released at Now, m2 (20,000) 100 days later; a refund of 15,000 then takes m1's 10,000 and 5,000 of m2's.
        var contract = ContractBuilder.New().Active();
        contract.Release(1);
        var later = Now + TimeSpan.FromDays(100);
        contract.FundApplied(2, later);
        contract.SubmitOk(2, later);
        Ok(contract.Approve(Client, new ApproveWork("m2"), later));
        contract.TransferApplied(later);
        Ok(contract.IssueRefund(Freelancer, new PayMoney(15_000), later));
        contract.TransferApplied(later);

        // When m1 leaves the window nothing of it was left; m2 has 15,000 left until its own window ends.
        Assert.Equal(15_000, contract.Refundable(Now + Contract.RefundWindow));
        Assert.Equal(0, contract.Refundable(later + Contract.RefundWindow));

        // Refunding all that is left returns the rest of the service fees charged: 3,000 in all.
        Ok(contract.IssueRefund(Freelancer, new PayMoney(15_000), later));
        var orders = contract.Orders(contract.State.OpenTransfer!);
        var feeReturned = orders.Single(o => o.Order.Kind == TransferKind.Debit && o.Account == GrainKeys.FeeAccount(Usd)).Order.Amount.Amount;
        contract.TransferApplied(later);
        Assert.Equal((1_500L, 3_000L), (feeReturned, contract.State.Refunds.Sum(r => r.ServiceFee)));
    }
}
