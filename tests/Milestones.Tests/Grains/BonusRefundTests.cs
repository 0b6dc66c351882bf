using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// Bonuses and refunds after release on a real cluster, cent by cent: a bonus is debited from the client's balance with
/// the fees of a release (the freelancer's net pending for the security period, both fees to the fee account); a refund
/// returns released money within 180 days and never more than was released, from the freelancer's pending money first,
/// with the service fee back from the fee account. Interrupted between its accounts, either is answered as in progress,
/// counted once by the ledger check meanwhile, and finished exactly once by the next command or a reactivation.
/// </summary>
public sealed class BonusRefundTests(ClusterFixture fixture) : GrainTest(fixture)
{
    public enum Interruption
    {
        /// <summary>The first source applied the debit and its answer was lost.</summary>
        SourceReplyLost,

        /// <summary>The second source's write fails (a refund's fee account), after the first source applied.</summary>
        SecondSourceWriteFails,

        /// <summary>One of the credits fails before it is applied.</summary>
        CreditFailsBefore,

        /// <summary>One of the credits is applied and its answer lost.</summary>
        CreditReplyLost,

        /// <summary>The fee account's write fails while it applies the fee credits.</summary>
        FeeCreditWriteFails,
    }

    private string ClientKey => GrainKeys.User(Client.UserId);

    private string FreelancerKey => GrainKeys.User(Freelancer.UserId);

    private static string FeeKey => GrainKeys.FeeAccount(Usd);

    [Fact]
    public async Task ABonus_IsPaidCentByCent_ClientPaysItWithItsFee_FreelancerGetsTheNetPending_FeeAccountBothFees()
    {
        await DepositAsync(Client, 5_000);
        var grain = await CreateActiveAsync(10_000);
        var id = grain.GetPrimaryKeyString();
        var fees = await FeeAvailableAsync();
        var t0 = Fixture.Clock.GetUtcNow();

        // 1 005: the service fee 100.5 rounds half away from zero to 101, the client fee 30.15 to 30.
        var result = Ok(await grain.PayBonusAsync(Client, new PayMoney(1_005, "Thanks!"), new CommandOptions("bonus-1")));

        Assert.Equal("b1", result.CreatedId);
        Assert.Equal(new Payment("b1", 1_005, t0, Client.UserId, "Thanks!", 101), Assert.Single(result.Contract.Bonuses));
        var client = await BalanceAsync(Client);
        Assert.Equal((3_965L, 0L, 0L), (client.Available, client.Pending, client.Held));
        var debit = Assert.Single(await LinesAsync(Client), l => l.Order.TransferId == $"{id}/bonus/b1");
        Assert.Equal((TransferKind.Debit, 1_035L, Freelancer.UserId, 3_965L), (debit.Order.Kind, debit.Order.Amount.Amount, debit.Order.Counterparty, debit.AvailableAfter));
        Assert.Equal(
            [new TransferLeg($"{id}/bonus/b1", FreelancerKey, 904), new TransferLeg($"{id}/bonus/b1/service-fee", FeeKey, 101), new TransferLeg($"{id}/bonus/b1/client-fee", FeeKey, 30)],
            debit.Order.Legs!);

        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0L, 904L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(new PendingReleaseView($"{id}/bonus/b1", 904, t0 + SecurityPeriod), Assert.Single(freelancer.PendingReleases));
        var credit = Assert.Single(await LinesAsync(Freelancer));
        Assert.Equal(($"{id}/bonus/b1", TransferKind.Credit, 904L, Client.UserId, (DateTimeOffset?)(t0 + SecurityPeriod), 904L),
            (credit.Order.TransferId, credit.Order.Kind, credit.Order.Amount.Amount, credit.Order.Counterparty, credit.Order.AvailableAt, credit.PendingAfter));

        Assert.Equal(fees + 131, await FeeAvailableAsync());
        Assert.Equal(
            [($"{id}/bonus/b1/client-fee", TransferKind.Credit, 30L, Client.UserId), ($"{id}/bonus/b1/service-fee", TransferKind.Credit, 101L, Freelancer.UserId)],
            (await FeeLinesAsync(id)).Select(l => (l.Order.TransferId, l.Order.Kind, l.Order.Amount.Amount, l.Order.Counterparty)).Order());

        var paid = Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "bonus.paid");
        Assert.Equal(("904", "101", "30"), (paid.Data["freelancerNet"], paid.Data["serviceFee"], paid.Data["clientFee"]));
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "fee.charged" && e.Data.GetValueOrDefault("bonusId") == "b1");

        // The key replays; the bonus's money becomes available after the security period, time first.
        var replay = await grain.PayBonusAsync(Client, new PayMoney(1_005, "Thanks!"), new CommandOptions("bonus-1"));
        Assert.True(replay.Succeeded && replay.Replayed);
        Assert.Equal(3_965, (await BalanceAsync(Client)).Available);
        Fixture.Clock.Advance(SecurityPeriod);
        freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((904L, 0L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(($"{id}/bonus/b1/available", TransferKind.Available, 904L),
            (await LinesAsync(Freelancer)).Select(l => (l.Order.TransferId, l.Order.Kind, l.Order.Amount.Amount)).Last());
    }

    [Fact]
    public async Task ABonus_WithoutTheMoney_IsRefused_AndChangesNothing_AndItsIdIsFreeForTheNextBonus()
    {
        await DepositAsync(Client, 1_029);
        var grain = await CreateActiveAsync(10_000);
        var fees = await FeeAvailableAsync();

        Rejected(await grain.PayBonusAsync(Client, new PayMoney(1_000), CommandOptions.None), "insufficient_funds");

        Assert.Empty((await ViewAsync(grain)).Bonuses);
        Assert.Equal((1_029L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal(fees, await FeeAvailableAsync());

        await DepositAsync(Client, 1);
        var paid = Ok(await grain.PayBonusAsync(Client, new PayMoney(1_000), CommandOptions.None));
        Assert.Equal(("b1", 0L, 900L), (paid.CreatedId, (await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task ARefund_IsPaidCentByCent_FreelancerReturnsTheNetFromPending_FeeAccountTheServiceFee_ClientGetsItAll()
    {
        var fees = await FeeAvailableAsync();
        var grain = await ReleasedAsync(10_000);
        var id = grain.GetPrimaryKeyString();
        Assert.Equal(fees + 1_300, await FeeAvailableAsync());
        var t0 = Fixture.Clock.GetUtcNow();

        // 2 005: its service fee 200.5 rounds half away from zero to 201; the freelancer returns 1 804 of its 9 000 pending.
        var result = Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(2_005, "Late delivery"), new CommandOptions("refund-1")));

        Assert.Equal("r1", result.CreatedId);
        Assert.Equal(new Payment("r1", 2_005, t0, Freelancer.UserId, "Late delivery", 201), Assert.Single(result.Contract.Refunds));
        var client = await BalanceAsync(Client);
        Assert.Equal((2_005L, 0L, 0L), (client.Available, client.Pending, client.Held));
        Assert.Equal(
            [($"{id}/return/r1", TransferKind.Credit, 1_804L, Freelancer.UserId), ($"{id}/return/r1/service-fee", TransferKind.Credit, 201L, FeeKey)],
            (await LinesAsync(Client)).Where(l => l.Order.TransferId.StartsWith($"{id}/return/", StringComparison.Ordinal))
                .Select(l => (l.Order.TransferId, l.Order.Kind, l.Order.Amount.Amount, l.Order.Counterparty)).Order());

        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0L, 7_196L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(new PendingReleaseView($"{id}/m1/release", 7_196, t0 + SecurityPeriod), Assert.Single(freelancer.PendingReleases));
        var debit = Assert.Single(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/return/r1");
        Assert.Equal((TransferKind.Debit, 1_804L, Client.UserId, 0L, 7_196L), (debit.Order.Kind, debit.Order.Amount.Amount, debit.Order.Counterparty, debit.AvailableAfter, debit.PendingAfter));
        Assert.Equal([new TransferLeg($"{id}/return/r1", ClientKey, 1_804)], debit.Order.Legs!);

        Assert.Equal(fees + 1_300 - 201, await FeeAvailableAsync());
        var feeDebit = Assert.Single(await FeeLinesAsync(id), l => l.Order.Kind == TransferKind.Debit);
        Assert.Equal(($"{id}/return/r1/service-fee", 201L, Client.UserId), (feeDebit.Order.TransferId, feeDebit.Order.Amount.Amount, feeDebit.Order.Counterparty));
        Assert.Equal([new TransferLeg($"{id}/return/r1/service-fee", ClientKey, 201)], feeDebit.Order.Legs!);
        Assert.Equal(
            [$"{id}/m1/release/client-fee", $"{id}/m1/release/service-fee", $"{id}/return/r1/service-fee"],
            (await FeeLinesAsync(id)).Select(l => l.Order.TransferId).Order(StringComparer.Ordinal));

        var issued = Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "refund.issued");
        Assert.Equal(("r1", "2005", "201"), (issued.Data["refundId"], issued.Data["amount"], issued.Data["serviceFeeReturned"]));
        Assert.True((await grain.IssueRefundAsync(Freelancer, new PayMoney(2_005, "Late delivery"), new CommandOptions("refund-1"))).Replayed);

        // What is left of the release's pending credit becomes available at its time.
        Fixture.Clock.Advance(SecurityPeriod);
        freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((7_196L, 0L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(($"{id}/m1/release/available", 7_196L), (await LinesAsync(Freelancer)).Select(l => (l.Order.TransferId, l.Order.Amount.Amount)).Last());
    }

    [Theory]
    [InlineData(Interruption.SourceReplyLost, false)]
    [InlineData(Interruption.SourceReplyLost, true)]
    [InlineData(Interruption.CreditFailsBefore, false)]
    [InlineData(Interruption.CreditFailsBefore, true)]
    [InlineData(Interruption.CreditReplyLost, false)]
    [InlineData(Interruption.CreditReplyLost, true)]
    [InlineData(Interruption.FeeCreditWriteFails, false)]
    [InlineData(Interruption.FeeCreditWriteFails, true)]
    public async Task ABonus_InterruptedBetweenItsAccounts_IsInProgress_CountedOnce_AndFinishedExactlyOnce(Interruption interruption, bool reactivate)
    {
        await DepositAsync(Client, 5_000);
        var grain = await CreateActiveAsync(10_000);
        var id = grain.GetPrimaryKeyString();
        var fees = await FeeAvailableAsync();
        var key = new CommandOptions("bonus-" + interruption);
        var baseline = await InTransitAsync();
        Arm(grain, interruption);

        var answer = await grain.PayBonusAsync(Client, new PayMoney(1_005), key);

        Assert.Equal(("transfer_in_progress", ErrorKind.Unavailable), (answer.Error?.Code, answer.Error?.Kind));
        var inTransit = await AssertCountedOnceAsync(
            baseline,
            (ClientKey, $"{id}/bonus/b1", [(FreelancerKey, $"{id}/bonus/b1", 904), (FeeKey, $"{id}/bonus/b1/service-fee", 101), (FeeKey, $"{id}/bonus/b1/client-fee", 30)]));
        Assert.Equal(interruption switch
        {
            Interruption.SourceReplyLost => 1_035,
            Interruption.CreditReplyLost => 0,
            _ => inTransit,
        }, inTransit);
        if (interruption is Interruption.CreditFailsBefore or Interruption.FeeCreditWriteFails)
        {
            Assert.True(inTransit > 0);
        }

        var finished = await FinishAsync(grain, reactivate, () => grain.PayBonusAsync(Client, new PayMoney(1_005), key));

        Assert.Equal("b1", Assert.Single(finished.Bonuses).Id);
        Assert.Equal((3_965L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
        Assert.Equal(904, (await BalanceAsync(Freelancer)).Pending);
        Assert.Equal(fees + 131, await FeeAvailableAsync());
        Assert.Single(await LinesAsync(Client), l => l.Order.TransferId == $"{id}/bonus/b1");
        Assert.Single(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/bonus/b1");
        Assert.Equal(2, (await FeeLinesAsync(id)).Count);
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "bonus.paid");
        var replay = await grain.PayBonusAsync(Client, new PayMoney(1_005), key);
        Assert.True(replay.Succeeded && replay.Replayed);
        Assert.Equal("b1", replay.Value!.CreatedId);
    }

    [Theory]
    [InlineData(Interruption.SourceReplyLost, false)]
    [InlineData(Interruption.SourceReplyLost, true)]
    [InlineData(Interruption.SecondSourceWriteFails, false)]
    [InlineData(Interruption.SecondSourceWriteFails, true)]
    [InlineData(Interruption.CreditFailsBefore, false)]
    [InlineData(Interruption.CreditFailsBefore, true)]
    [InlineData(Interruption.CreditReplyLost, false)]
    [InlineData(Interruption.CreditReplyLost, true)]
    public async Task ARefund_InterruptedBetweenItsAccounts_IsInProgress_CountedOnce_AndFinishedExactlyOnce(Interruption interruption, bool reactivate)
    {
        var grain = await ReleasedAsync(10_000);
        var id = grain.GetPrimaryKeyString();
        var fees = await FeeAvailableAsync();
        var key = new CommandOptions("refund-" + interruption);
        var baseline = await InTransitAsync();
        Arm(grain, interruption);

        var answer = await grain.IssueRefundAsync(Freelancer, new PayMoney(2_005), key);

        Assert.Equal(("transfer_in_progress", ErrorKind.Unavailable), (answer.Error?.Code, answer.Error?.Kind));
        var inTransit = await AssertCountedOnceAsync(
            baseline,
            (FreelancerKey, $"{id}/return/r1", [(ClientKey, $"{id}/return/r1", 1_804)]),
            (FeeKey, $"{id}/return/r1/service-fee", [(ClientKey, $"{id}/return/r1/service-fee", 201)]));
        Assert.Equal(interruption switch
        {
            Interruption.SourceReplyLost or Interruption.SecondSourceWriteFails => 1_804,
            Interruption.CreditReplyLost => 0,
            _ => inTransit,
        }, inTransit);
        if (interruption == Interruption.CreditFailsBefore)
        {
            Assert.True(inTransit > 0);
        }

        var finished = await FinishAsync(grain, reactivate, () => grain.IssueRefundAsync(Freelancer, new PayMoney(2_005), key));

        Assert.Equal(("r1", 201L), (Assert.Single(finished.Refunds).Id, finished.Refunds[0].ServiceFee));
        Assert.Equal(2_005, (await BalanceAsync(Client)).Available);
        Assert.Equal((0L, 7_196L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal(fees - 201, await FeeAvailableAsync());
        Assert.Single(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/return/r1");
        Assert.Single(await FeeLinesAsync(id), l => l.Order.TransferId == $"{id}/return/r1/service-fee");
        Assert.Equal(2, (await LinesAsync(Client)).Count(l => l.Order.TransferId.StartsWith($"{id}/return/r1", StringComparison.Ordinal)));
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "refund.issued");
        var replay = await grain.IssueRefundAsync(Freelancer, new PayMoney(2_005), key);
        Assert.True(replay.Succeeded && replay.Replayed);
        Assert.Equal("r1", replay.Value!.CreatedId);
    }

    [Fact]
    public async Task Refunds_NeverReturnMoreThanWasReleased_Cumulatively_AndARefusalChangesNothing()
    {
        var fees = await FeeAvailableAsync();
        var grain = await ReleasedAsync(10_000);
        var before = await ViewAsync(grain);

        var tooMuch = await grain.IssueRefundAsync(Freelancer, new PayMoney(10_001), CommandOptions.None);

        Rejected(tooMuch, "refund_exceeds_released");
        Assert.Contains("At most 10000 ", tooMuch.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(before.Version, (await ViewAsync(grain)).Version);
        Assert.Equal((0L, 9_000L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Pending));

        Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(6_000), CommandOptions.None));
        Rejected(await grain.IssueRefundAsync(Freelancer, new PayMoney(4_001), CommandOptions.None), "refund_exceeds_released");
        Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(4_000), CommandOptions.None));
        Rejected(await grain.IssueRefundAsync(Freelancer, new PayMoney(1), CommandOptions.None), "refund_exceeds_released");

        var view = await ViewAsync(grain);
        Assert.Equal([("r1", 6_000L, 600L), ("r2", 4_000L, 400L)], view.Refunds.Select(r => (r.Id, r.Amount, r.ServiceFee)));
        Assert.Equal(10_000, (await BalanceAsync(Client)).Available);
        Assert.Equal((0L, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal(fees + 300, await FeeAvailableAsync());
    }

    [Fact]
    public async Task Refunds_EndWith180DaysAfterTheRelease()
    {
        var grain = await ReleasedAsync(10_000);

        Fixture.Clock.Advance(TimeSpan.FromDays(180) - TimeSpan.FromMinutes(1));
        Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(1_000), CommandOptions.None));
        Assert.Equal((1_000L, 8_100L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));

        Fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var late = await grain.IssueRefundAsync(Freelancer, new PayMoney(1), CommandOptions.None);

        Rejected(late, "refund_exceeds_released");
        Assert.Contains("At most 0 ", late.Error!.Message, StringComparison.Ordinal);
        Assert.Single((await ViewAsync(grain)).Refunds);
        Assert.Equal((1_000L, 8_100L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
    }

    [Fact]
    public async Task ARefund_181DaysAfterTheRelease_FindsNothingRefundable()
    {
        var grain = await ReleasedAsync(10_000);

        Fixture.Clock.Advance(TimeSpan.FromDays(181));

        Rejected(await grain.IssueRefundAsync(Freelancer, new PayMoney(1), CommandOptions.None), "refund_exceeds_released");
        Assert.Empty((await ViewAsync(grain)).Refunds);
        Assert.Equal((0L, 9_000L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
    }

    /// <summary>
    /// m1 released 181 days ago, m2 81 days ago: only m2's 10 000 is within the window, and once it is all returned
    /// nothing more is refundable. Skipped: the contract computes min(released − refunded, released in the window) =
    /// min(10 000, 10 000) and accepts the second refund, which returns m1's money past its window.
    /// </summary>
    [Fact]
    public async Task Refunds_OnceTheReleasesInTheWindowAreReturned_CannotReachAnOlderRelease()
    {
        await DepositAsync(Client, 10_300 + 10_300);
        var grain = await CreateActiveAsync(10_000, 10_000);
        await ReleaseAsync(grain, "m1");
        Fixture.Clock.Advance(TimeSpan.FromDays(100));
        await ReleaseAsync(grain, "m2");
        Fixture.Clock.Advance(TimeSpan.FromDays(81));

        Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(10_000), CommandOptions.None));

        Rejected(await grain.IssueRefundAsync(Freelancer, new PayMoney(1), CommandOptions.None), "refund_exceeds_released");
        Assert.Single((await ViewAsync(grain)).Refunds);
    }

    [Fact]
    public async Task ARefund_TakesFromPendingFirst_ThenAvailable()
    {
        await DepositAsync(Client, 10_300 + 20_600);
        var grain = await CreateActiveAsync(10_000, 20_000);
        var id = grain.GetPrimaryKeyString();
        await ReleaseAsync(grain, "m1");
        Fixture.Clock.Advance(SecurityPeriod + TimeSpan.FromSeconds(1));
        await ReleaseAsync(grain, "m2");
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((9_000L, 18_000L), (freelancer.Available, freelancer.Pending));

        // 20 005: service fee 2 000.5 → 2 001; the freelancer returns 18 004: its 18 000 pending, then 4 of its available.
        var refunded = Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(20_005), CommandOptions.None));

        Assert.Equal(2_001, Assert.Single(refunded.Contract.Refunds).ServiceFee);
        freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((8_996L, 0L), (freelancer.Available, freelancer.Pending));
        Assert.Empty(freelancer.PendingReleases);
        var debit = Assert.Single(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/return/r1");
        Assert.Equal((18_004L, 8_996L, 0L), (debit.Order.Amount.Amount, debit.AvailableAfter, debit.PendingAfter));
        Assert.Equal(20_005, (await BalanceAsync(Client)).Available);

        // The pending credit it took is gone: nothing of it becomes available later.
        Fixture.Clock.Advance(SecurityPeriod + TimeSpan.FromSeconds(1));
        freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((8_996L, 0L), (freelancer.Available, freelancer.Pending));
        Assert.DoesNotContain(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/m2/release/available");
        Assert.Single(await LinesAsync(Freelancer), l => l.Order.TransferId == $"{id}/m1/release/available");
    }

    [Fact]
    public async Task ARefund_TheFreelancerCanNoLongerPay_IsRefused_AndNothingMoves()
    {
        var grain = await ReleasedAsync(10_000);
        Fixture.Clock.Advance(SecurityPeriod);
        var freelancerAccount = Grains.Account(Freelancer.UserId);
        var payout = Ok(await freelancerAccount.RequestPayoutAsync(Freelancer, new PayoutRequest(9_000, Usd)));
        Ok(await freelancerAccount.ClosePayoutAsync(Platform, payout.Id, PayoutStatus.Completed, "bank-ref-1"));
        var fees = await FeeAvailableAsync();

        Rejected(await grain.IssueRefundAsync(Freelancer, new PayMoney(1_000), CommandOptions.None), "insufficient_funds");

        Assert.Empty((await ViewAsync(grain)).Refunds);
        Assert.DoesNotContain(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "refund.issued");
        Assert.Equal((0L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
        Assert.Equal(fees, await FeeAvailableAsync());

        await DepositAsync(Freelancer, 900);
        Assert.Equal("r1", Ok(await grain.IssueRefundAsync(Freelancer, new PayMoney(1_000), CommandOptions.None)).CreatedId);
        Assert.Equal((1_000L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Freelancer)).Available));
    }

    /// <summary>Arms the fault for the next bonus or refund of <paramref name="grain"/>.</summary>
    private void Arm(IContractGrain grain, Interruption interruption)
    {
        var contract = grain.GetPrimaryKeyString();
        switch (interruption)
        {
            case Interruption.SourceReplyLost:
                Fixture.Probe.FailNextTransfer(contract, TransferKind.Debit, afterApplying: true);
                break;
            case Interruption.CreditFailsBefore or Interruption.CreditReplyLost:
                Fixture.Probe.FailNextTransfer(contract, TransferKind.Credit, afterApplying: interruption == Interruption.CreditReplyLost);
                break;
            default:
                Fixture.Probe.FailNextWrite(FeeAccount.GetGrainId(), StorageLayout.Account);
                break;
        }
    }

    /// <summary>
    /// Midway, the ledger check balances and counts as in transit (beyond <paramref name="baseline"/>, what it counted
    /// before) exactly the legs of the applied sources that their destinations have not applied yet; returns that amount.
    /// </summary>
    private async Task<long> AssertCountedOnceAsync(
        long baseline, params (string Account, string TransferId, (string Account, string TransferId, long Amount)[] Legs)[] sources)
    {
        var expected = 0L;
        foreach (var source in sources)
        {
            if (!await Grains.AccountByKey(source.Account).HasAppliedAsync(source.TransferId))
            {
                continue;
            }

            foreach (var leg in source.Legs)
            {
                expected += await Grains.AccountByKey(leg.Account).HasAppliedAsync(leg.TransferId) ? 0 : leg.Amount;
            }
        }

        var midway = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.True(midway.Balanced, string.Join("; ", midway.Currencies));
        Assert.Equal(expected, midway.Currencies.Sum(c => (long)c.InTransit) - baseline);
        return expected;
    }

    private async Task<long> InTransitAsync() => Ok(await Grains.Ledger().VerifyAsync(Platform)).Currencies.Sum(c => (long)c.InTransit);

    /// <summary>Finishes the open transfer: by a reactivation and a read, or by the command retried with its key (a replay).</summary>
    private async Task<ContractView> FinishAsync(IContractGrain grain, bool reactivate, Func<Task<Outcome<ContractResult>>> retry)
    {
        if (reactivate)
        {
            await Fixture.Cluster.DeactivateAsync(grain);
            return await ViewAsync(grain);
        }

        var retried = await retry();
        Assert.True(retried.Succeeded && retried.Replayed, retried.Error?.Code);
        return retried.Value!.Contract;
    }

    /// <summary>An active contract whose milestones were funded and released in full, one after another, now.</summary>
    private async Task<IContractGrain> ReleasedAsync(params long[] amounts)
    {
        await DepositAsync(Client, amounts.Sum(a => a + FeeSchedule.Default.ClientFee(a)));
        var grain = await CreateActiveAsync(amounts);
        for (var i = 1; i <= amounts.Length; i++)
        {
            await ReleaseAsync(grain, $"m{i}");
        }

        return grain;
    }

    private async Task ReleaseAsync(IContractGrain grain, string milestone)
    {
        Ok(await grain.FundMilestoneAsync(Client, milestone, CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork(milestone, "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork(milestone), CommandOptions.None));
    }

    private async Task<IReadOnlyList<LedgerEntry>> LinesAsync(Caller user) => Ok(await Grains.Account(user.UserId).GetTransfersAsync(user, 0, 500)).Entries;

    private async Task<long> FeeAvailableAsync() =>
        Ok(await FeeAccount.GetAsync(Platform)).Balances.SingleOrDefault(b => b.Currency == Usd)?.Available ?? 0;

    /// <summary>The fee account's lines of one contract (the fee account is shared by every test: its whole statement is read).</summary>
    private async Task<List<LedgerEntry>> FeeLinesAsync(string contractId)
    {
        var lines = new List<LedgerEntry>();
        for (long? after = 0; after is { } from;)
        {
            var page = Ok(await FeeAccount.GetTransfersAsync(Platform, from, 500));
            lines.AddRange(page.Entries.Where(l => l.Order.TransferId.StartsWith(contractId + "/", StringComparison.Ordinal)));
            after = page.NextAfter;
        }

        return lines;
    }
}
