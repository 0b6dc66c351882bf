using Milestones.Domain;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>Money is integer minor units of a known currency, checked on construction; sums are overflow-checked.</summary>
public sealed class MoneyTests
{
    [Fact]
    public void Money_KeepsMinorUnitsAndCurrency()
    {
        var money = new Money(10_50, "USD");
        Assert.Equal((1050L, "USD"), (money.Amount, money.Currency));
        Assert.Equal("1050 USD", money.ToString());
    }

    [Fact]
    public void Money_IsEqualByAmountAndCurrency()
    {
        Assert.Equal(new Money(100, "USD"), new Money(100, "USD"));
        Assert.NotEqual(new Money(100, "USD"), new Money(100, "EUR"));
        Assert.NotEqual(new Money(100, "USD"), new Money(101, "USD"));
    }

    [Fact]
    public void Money_Negative_IsABug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Money(-1, "USD"));

    [Theory]
    [InlineData("XXX")]
    [InlineData("usd")]
    [InlineData("")]
    [InlineData(null)]
    public void Money_InAnUnknownCurrency_IsABug(string? currency) =>
        Assert.Throws<ArgumentException>(() => new Money(1, currency!));

    [Fact]
    public void Money_OfZero_CanBeWritten_ButNoTransferMovesIt()
    {
        var account = new Account(new AccountState());
        var result = account.Apply(new TransferOrder("dep-0", TransferKind.Deposit, new Money(0, "USD")), Now);
        Assert.Equal("invalid_amount", result.Error?.Code);
    }

    [Theory]
    [InlineData("USD", true)]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("GBP", true)]
    [InlineData("XXX", false)]
    [InlineData("Usd", false)]
    [InlineData("USDX", false)]
    [InlineData(null, false)]
    public void Currency_KnowsIso4217Codes_ExactlyAsWritten(string? code, bool known) =>
        Assert.Equal(known, Currency.IsKnown(code));

    [Theory]
    [InlineData(0L, "invalid_amount")]
    [InlineData(-5L, "invalid_amount")]
    [InlineData(1L, null)]
    [InlineData(1_000_000_000_00L, null)]
    [InlineData(1_000_000_000_01L, "amount_too_large")]
    public void Amounts_AreBetweenOneAndTheMaximum(long amount, string? code) =>
        Assert.Equal(code, Validate.Amount(amount, ContractRules.Default)?.Code);

    [Fact]
    public void DefaultRules_AreAFourteenDayReviewPeriod_AndSaneLimits() =>
        Assert.Equal(new ContractRules(TimeSpan.FromDays(14), 1_000_000_000_00, 100), ContractRules.Default);

    [Fact]
    public void TheDefaultLimits_CannotOverflowAPrice()
    {
        var rules = ContractRules.Default;
        Assert.True(rules.MaxAmount <= long.MaxValue / rules.MaxMilestones);
    }

    [Fact]
    public void Price_IsOverflowChecked()
    {
        var state = new ContractState
        {
            Milestones =
            [
                new MilestoneState { Id = "m1", Amount = long.MaxValue, Status = MilestoneStatus.Pending },
                new MilestoneState { Id = "m2", Amount = 1, Status = MilestoneStatus.Pending },
            ],
        };
        var contract = new Contract(state, ContractRules.Default with { MaxAmount = long.MaxValue });

        Assert.Throws<OverflowException>(() => contract.Price);
    }

    [Fact]
    public void AccountBalances_CannotApproachOverflow_AndARefusedDepositChangesNothing()
    {
        var account = new Account(new AccountState());
        Assert.Equal("amount_too_large", account.Apply(new TransferOrder("dep-0", TransferKind.Deposit, new Money(long.MaxValue, "USD")), Now).Error?.Code);
        Assert.True(account.Apply(new TransferOrder("dep-1", TransferKind.Deposit, new Money(long.MaxValue / 2 - 10, "USD")), Now).Succeeded);
        var before = account.State.Snapshot();

        Assert.Equal("amount_too_large", account.Apply(new TransferOrder("dep-2", TransferKind.Deposit, new Money(20, "USD")), Now).Error?.Code);

        Assert.Equal(before, account.State.Snapshot());
        Assert.False(account.HasApplied("dep-2"));
    }
}
