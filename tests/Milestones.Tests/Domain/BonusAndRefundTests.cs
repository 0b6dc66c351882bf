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
}
