using Milestones.Contracts;

namespace Milestones.Tests.Grains;

/// <summary>The ledger check adds up every account of a currency: its sums are 128-bit, exact past the largest long.</summary>
public sealed class LedgerCheckTests(ClusterFixture fixture) : GrainTest(fixture)
{
    /// <summary>A currency no other grain test uses: its sums are this test's deposits alone.</summary>
    private const string Idr = "IDR";

    [Fact]
    public async Task TheLedgerCheck_OfBalancesThatAddUpPastTheLargestLong_IsExact_AndBalanced()
    {
        // An account holds at most half the largest long: three full ones add up past it.
        for (var i = 0; i < 3; i++)
        {
            Ok(await Grains.Account("whale-" + Guid.NewGuid().ToString("N")).DepositAsync(Platform, new Deposit(long.MaxValue / 2, Idr, Guid.NewGuid().ToString("N"))));
        }

        var report = Ok(await Grains.Ledger().VerifyAsync(Platform));

        var idr = Assert.Single(report.Currencies, c => c.Currency == Idr);
        var sum = (Int128)(long.MaxValue / 2) * 3;
        Assert.True(sum > long.MaxValue);
        Assert.Equal(sum, idr.Deposited);
        Assert.Equal(sum, idr.Available);
        Assert.Equal(Int128.Zero, idr.PaidOut);
        Assert.True(idr.Balanced);
        Assert.True(report.Ok);
    }
}
