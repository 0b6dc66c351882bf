using System.Text.Json;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// A deposit reference credits one account across all accounts, exactly once even when two accounts race for it or
/// a write fails after the claim; a replay answers what the first deposit answered.
/// </summary>
public sealed class DepositReferenceTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string reference = "pi_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheSameReference_OnAnotherAccount_IsRefused_AndTheMoneyIsCreditedOnce()
    {
        await DepositAsync(Client, 500, reference);

        Rejected(await Grains.Account(Freelancer.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference)), "deposit_reference_conflict");
        Rejected(await Grains.Account(Freelancer.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference), "key-1"), "deposit_reference_conflict");

        Assert.Equal((500L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
        Assert.True((await Grains.Ledger().VerifyAsync(Platform)).Value!.Balanced);
    }

    [Fact]
    public async Task TwoConcurrentDeposits_OfOneReference_ToTwoAccounts_ExactlyOneSucceeds()
    {
        for (var round = 0; round < 8; round++)
        {
            var shared = $"{reference}-{round}";
            var outcomes = await Task.WhenAll(
                Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(100, Usd, shared)),
                Grains.Account(Freelancer.UserId).DepositAsync(Platform, new Deposit(100, Usd, shared)));

            Assert.Single(outcomes, o => o.Succeeded);
            Assert.Equal("deposit_reference_conflict", Assert.Single(outcomes, o => !o.Succeeded).Error!.Code);
        }

        Assert.Equal(800, (await BalanceAsync(Client)).Available + (await BalanceAsync(Freelancer)).Available);
        Assert.True((await Grains.Ledger().VerifyAsync(Platform)).Value!.Balanced);
    }

    [Fact]
    public async Task AFailedAccountWrite_AfterTheClaim_TheRetryOnTheSameAccountCreditsOnce_AndAnotherAccountIsStillRefused()
    {
        await DepositAsync(Client, 1, "first-" + reference);
        var account = Grains.Account(Client.UserId);
        Fixture.Probe.FailNextWrite(account.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, new Deposit(500, Usd, reference)));
        Rejected(await Grains.Account(Freelancer.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference)), "deposit_reference_conflict");
        var retried = await account.DepositAsync(Platform, new Deposit(500, Usd, reference));

        Assert.False(Ok(retried) is null || retried.Replayed);
        Assert.True((await account.DepositAsync(Platform, new Deposit(500, Usd, reference))).Replayed);
        Assert.Equal(501, (await BalanceAsync(Client)).Available);
        Assert.True((await Grains.Ledger().VerifyAsync(Platform)).Value!.Balanced);
    }

    [Fact]
    public async Task AFailedClaimWrite_ClaimsNothing_SoAnotherAccountMayTakeTheReference()
    {
        Fixture.Probe.FailNextWrite(Grains.DepositReference(reference).GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference)));
        Ok(await Grains.Account(Freelancer.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference)));
        Rejected(await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(500, Usd, reference)), "deposit_reference_conflict");

        Assert.Equal((0L, 500L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
    }

    [Fact]
    public async Task ADepositReplay_AnswersWhatTheFirstDepositAnswered_AfterTheBalanceMoved_AndAfterReactivation()
    {
        var account = Grains.Account(Client.UserId);
        await DepositAsync(Client, 1_000);
        var funded = await CreateActiveAsync(100);
        Ok(await funded.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var first = Ok(await account.DepositAsync(Platform, new Deposit(300, Usd, reference), "key-1"));

        var other = await CreateActiveAsync(200);
        Ok(await other.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        await DepositAsync(Client, 50);
        Ok(await funded.EndAsync(Client, new EndContract(HeldFunds.Refund, "Not needed"), CommandOptions.None));
        var byReference = await account.DepositAsync(Platform, new Deposit(300, Usd, reference));
        var byKey = await account.DepositAsync(Platform, new Deposit(300, Usd, reference), "key-1");
        await Fixture.Cluster.DeactivateAsync(account);
        var afterReactivation = await account.DepositAsync(Platform, new Deposit(300, Usd, reference), "key-2");

        foreach (var replay in new[] { byReference, byKey, afterReactivation })
        {
            Assert.True(replay.Replayed);
            Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(Ok(replay)));
        }

        Assert.NotEqual(JsonSerializer.Serialize(first), JsonSerializer.Serialize(Ok(await account.GetAsync(Client))));
    }

    [Fact]
    public async Task ARefusedDepositUnderAKey_IsReplayedAsRefused_EvenOnceItWouldSucceed()
    {
        var account = Grains.Account(Client.UserId);
        await DepositAsync(Client, (long.MaxValue / 2) - 10);
        var refused = await account.DepositAsync(Platform, new Deposit(100, Usd, reference), "key-big");
        Rejected(refused, "amount_too_large");

        var contract = await CreateActiveAsync(1_000);
        Ok(await contract.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var replay = await account.DepositAsync(Platform, new Deposit(100, Usd, reference), "key-big");

        Assert.True(replay.Replayed);
        Assert.Equal(refused.Error, replay.Error);
        Assert.Equal((long.MaxValue / 2) - 10 - 1_030, (await BalanceAsync(Client)).Available);
    }
}
