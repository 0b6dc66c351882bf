using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// Payouts on a real cluster: available → paying out on request; completed (paid out, out of the system) or failed
/// (back to available) once by the platform; voided and returned when the timeout passes, time first (a read sees it
/// before any wake-up) and durably when the due-grains scan wakes the account. Idempotency keys replay a request as
/// first answered; a write that fails leaves nothing. After every test the ledger balances.
/// </summary>
public sealed class PayoutTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private static readonly TimeSpan PayoutTimeout = TimeSpan.FromDays(7);

    private Caller Owner => Client;

    private IAccountGrain Account => Grains.Account(Owner.UserId);

    private string AccountKey => GrainKeys.User(Owner.UserId);

    private Task<Outcome<Payout>> RequestAsync(long amount, string? key = null) =>
        Account.RequestPayoutAsync(Owner, new PayoutRequest(amount, Usd), key);

    private Task<Outcome<Payout>> CompleteAsync(string payoutId, string reference) =>
        Account.ClosePayoutAsync(Platform, payoutId, PayoutStatus.Completed, reference);

    private Task<Outcome<Payout>> FailAsync(string payoutId, string reason) =>
        Account.ClosePayoutAsync(Platform, payoutId, PayoutStatus.Failed, reason);

    [Fact]
    public async Task ConcurrentRequestsAndABonus_RacingForOneBalance_NeverSpendItTwice()
    {
        await DepositAsync(Owner, 1_030 + 900);
        var contract = await CreateActiveAsync(5_000);

        // Twenty payouts of 100 and a bonus of 1,000 (1,030 with the client's fee) race for 1,930: the account decides
        // each on the balance as it stands, so what is accepted adds up to at most what was there, to the cent.
        var payouts = Enumerable.Range(0, 20).Select(_ => RequestAsync(100)).ToList();
        var bonus = contract.PayBonusAsync(Owner, new PayMoney(1_000), CommandOptions.None);
        await Task.WhenAll(payouts);
        var paid = (await bonus).Error is null;

        var accepted = payouts.Count(p => p.Result.Error is null);
        Assert.All(payouts.Where(p => p.Result.Error is not null), p => Assert.Equal("insufficient_funds", p.Result.Error!.Code));
        Assert.Equal(paid ? 9 : 19, accepted);
        Assert.Equal((1_930L - (paid ? 1_030 : 0) - (accepted * 100), accepted * 100L), await AvailableAndPayingOutAsync());
        Assert.True((await LedgerUsdAsync()).Balanced);
    }

    [Fact]
    public async Task AKeyedPayout_RetriedWithinADay_AfterHundredsOfOtherKeyedRequests_Replays_AndPaysOutOnce()
    {
        await DepositAsync(Owner, 10_000);
        var first = Ok(await RequestAsync(1_000, "payout-1"));

        // 300 more keyed requests on the account in the day, deposits and payouts (65 forgot the first key before).
        for (var i = 0; i < 150; i++)
        {
            Ok(await Account.DepositAsync(Platform, new Deposit(2, Usd, "ref-" + Guid.NewGuid().ToString("N")), $"deposit-{i}"));
            Ok(await RequestAsync(1, $"payout-{i + 2}"));
        }

        Fixture.Clock.Advance(TimeSpan.FromHours(23));
        await Fixture.Cluster.DeactivateAsync(Account);
        var retry = await RequestAsync(1_000, "payout-1");

        Assert.True(retry.Replayed);
        Assert.Equal(first, Ok(retry));
        Assert.Equal((10_000L - 1_000 - 150 + 300, 1_000L + 150), await AvailableAndPayingOutAsync());
        Assert.Equal(151, Ok(await Account.GetPayoutsAsync(Owner, null, 0, 500)).Items.Count);

        // The same key from another caller (the platform) is another request: refused, nothing asked.
        Assert.Equal("idempotency_key_reused", (await Account.RequestPayoutAsync(Platform, new PayoutRequest(1_000, Usd), "payout-1")).Error?.Code);
        Assert.Equal(1_150L, (await AvailableAndPayingOutAsync()).Item2);
        Assert.True((await LedgerUsdAsync()).Balanced);
    }

    [Fact]
    public async Task TwentyRetriesOfAKeyedPayoutAndOfAKeyedDeposit_RacingTheFirst_MakeOnePayoutAndOneCredit()
    {
        await DepositAsync(Owner, 10_000);
        var reference = "ref-" + Guid.NewGuid().ToString("N");

        // A client that timed out and retried at once, twenty times over (the account is reentrant: they interleave).
        var payouts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RequestAsync(1_000, "payout-race")));
        var deposits = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Account.DepositAsync(Platform, new Deposit(500, Usd, reference), "deposit-race")));

        Assert.Single(payouts.Select(p => Ok(p).Id).Distinct());
        Assert.Single(payouts, p => !p.Replayed);
        Assert.All(deposits, d => Ok(d));
        Assert.Single(deposits, d => !d.Replayed);
        Assert.Equal((10_000L - 1_000 + 500, 1_000L), await AvailableAndPayingOutAsync());
        Assert.Single(Ok(await Account.GetPayoutsAsync(Owner, null, 0, 500)).Items);
        Assert.True((await LedgerUsdAsync()).Balanced);
    }

    [Fact]
    public async Task Request_ThenComplete_PaysOut_AndTheLedgerCountsItAsPaidOut()
    {
        var before = await LedgerUsdAsync();
        await DepositAsync(Owner, 10_000);
        var now = Fixture.Clock.GetUtcNow();

        var payout = Ok(await RequestAsync(4_000));

        Assert.StartsWith("po_", payout.Id, StringComparison.Ordinal);
        Assert.Equal((1L, 4_000L, Usd, PayoutStatus.Pending, now, now + PayoutTimeout, (DateTimeOffset?)null),
            (payout.Number, payout.Amount, payout.Currency, payout.Status, payout.RequestedAt, payout.ExpiresAt, payout.ClosedAt));
        Assert.Equal((6_000L, 4_000L), await AvailableAndPayingOutAsync());
        var midway = await LedgerUsdAsync();
        Assert.True(midway.Balanced);
        Assert.Equal((10_000L, 0L, 4_000L), (midway.Deposited - before.Deposited, midway.PaidOut - before.PaidOut, midway.PayingOut - before.PayingOut));

        var completed = await CompleteAsync(payout.Id, "bank-ref-1");

        Assert.False(completed.Replayed);
        Assert.Equal(payout with { Status = PayoutStatus.Completed, ClosedAt = now, Reference = "bank-ref-1" }, Ok(completed));
        Assert.Equal((6_000L, 0L), await AvailableAndPayingOutAsync());
        var totals = await TotalsAsync();
        Assert.Equal((10_000L, 4_000L, 6_000L), (totals.Deposited, totals.PaidOut, totals.Available));
        var after = await LedgerUsdAsync();
        Assert.True(after.Balanced);
        Assert.Equal((10_000L, 4_000L, 0L), (after.Deposited - before.Deposited, after.PaidOut - before.PaidOut, after.PayingOut - before.PayingOut));

        Assert.Equal(
            [(TransferKind.Payout, $"payout/{payout.Id}", 4_000L, 6_000L, 4_000L), (TransferKind.PayoutCompleted, $"payout/{payout.Id}/complete", 4_000L, 6_000L, 0L)],
            (await LinesAsync()).Skip(1).Select(l => (l.Order.Kind, l.Order.TransferId, l.Order.Amount.Amount, l.AvailableAfter, l.PayingOutAfter)));
        Assert.Equal(payout.Id, Assert.Single(await PayoutsAsync(PayoutStatus.Completed)).Id);
        Assert.Empty(await PayoutsAsync(PayoutStatus.Pending));
    }

    [Fact]
    public async Task Request_ThenFail_ReturnsTheMoneyToAvailable_AndPaysNothing()
    {
        await DepositAsync(Owner, 10_000);
        var payout = Ok(await RequestAsync(4_000));

        var failed = Ok(await FailAsync(payout.Id, "Account closed"));

        Assert.Equal((PayoutStatus.Failed, "Account closed", (string?)null), (failed.Status, failed.Reason, failed.Reference));
        Assert.Equal((10_000L, 0L), await AvailableAndPayingOutAsync());
        Assert.Equal(0, (await TotalsAsync()).PaidOut);
        Assert.Equal((TransferKind.PayoutFailed, $"payout/{payout.Id}/fail", 10_000L), (await LinesAsync()).Select(l => (l.Order.Kind, l.Order.TransferId, l.AvailableAfter)).Last());

        // The same failure again is a replay; a completion after it is refused and pays nothing.
        var replay = await FailAsync(payout.Id, "Account closed");
        Assert.True(replay.Replayed);
        Assert.Equal(failed, replay.Value);
        Rejected(await CompleteAsync(payout.Id, "bank-ref-late"), "payout_not_pending");
        Assert.Equal((10_000L, 0L), await AvailableAndPayingOutAsync());
        Assert.Equal(0, (await TotalsAsync()).PaidOut);
        Assert.Equal(3, (await LinesAsync()).Count);
    }

    [Fact]
    public async Task Complete_ReplayedWithTheSameReference_IsReplayed_AndAnyOtherOutcomeConflicts_ChangingNothing()
    {
        await DepositAsync(Owner, 10_000);
        var payout = Ok(await RequestAsync(2_500));
        var completed = Ok(await CompleteAsync(payout.Id, "bank-ref-1"));
        var before = await SnapshotAsync();

        var replay = await CompleteAsync(payout.Id, "bank-ref-1");

        Assert.True(replay.Succeeded && replay.Replayed);
        Assert.Equal(completed, replay.Value);
        Rejected(await CompleteAsync(payout.Id, "bank-ref-2"), "payout_not_pending");
        Rejected(await FailAsync(payout.Id, "Bank closed"), "payout_not_pending");
        Rejected(await CompleteAsync("po_missing", "bank-ref-1"), "payout_not_found");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(2_500, (await TotalsAsync()).PaidOut);
    }

    [Fact]
    public async Task OnlyThePlatform_ReportsAnOutcome_AndOnlyTheOwnerOrThePlatform_AsksForAPayout()
    {
        await DepositAsync(Owner, 1_000);
        var payout = Ok(await RequestAsync(400));

        Rejected(await Account.ClosePayoutAsync(Owner, payout.Id, PayoutStatus.Completed, "bank-ref-1"), "role_not_allowed");
        Rejected(await Account.ClosePayoutAsync(Freelancer, payout.Id, PayoutStatus.Completed, "bank-ref-1"), "account_not_found");
        Rejected(await Account.RequestPayoutAsync(Freelancer, new PayoutRequest(100, Usd)), "account_not_found");
        Rejected(await Account.ClosePayoutAsync(Platform, payout.Id, PayoutStatus.Voided, "timeout"), "invalid_outcome");
        Rejected(await Account.ClosePayoutAsync(Platform, payout.Id, PayoutStatus.Pending, "again"), "invalid_outcome");
        Assert.Equal((600L, 400L), await AvailableAndPayingOutAsync());

        var byPlatform = Ok(await Account.RequestPayoutAsync(Platform, new PayoutRequest(600, Usd)));
        Assert.Equal(2, byPlatform.Number);
        Assert.Equal((0L, 1_000L), await AvailableAndPayingOutAsync());
        Ok(await FailAsync(payout.Id, "Bank closed"));
        Ok(await FailAsync(byPlatform.Id, "Bank closed"));
    }

    [Fact]
    public async Task AnIdempotencyKey_ReplaysTheRequest_AsFirstAnswered_EvenAfterItCompleted_AndRefusesAnotherAmount()
    {
        await DepositAsync(Owner, 10_000);
        var first = await RequestAsync(3_000, "po-key-1");
        Assert.True(first.Succeeded && !first.Replayed);

        var again = await RequestAsync(3_000, "po-key-1");

        Assert.True(again.Succeeded && again.Replayed);
        Assert.Equal(first.Value, again.Value);
        Assert.Equal((7_000L, 3_000L), await AvailableAndPayingOutAsync());

        Ok(await CompleteAsync(first.Value!.Id, "bank-ref-1"));
        var afterCompletion = await RequestAsync(3_000, "po-key-1");
        Assert.True(afterCompletion.Succeeded && afterCompletion.Replayed);
        Assert.Equal(first.Value, afterCompletion.Value);
        Assert.Equal(PayoutStatus.Completed, Assert.Single(await PayoutsAsync(null)).Status);

        var before = await SnapshotAsync();
        Rejected(await RequestAsync(2_000, "po-key-1"), "idempotency_key_reused");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal((7_000L, 0L), await AvailableAndPayingOutAsync());
        Assert.Equal(3_000, (await TotalsAsync()).PaidOut);
    }

    [Fact]
    public async Task InsufficientFunds_IsRefused_AndChangesNothing_AndItsKeyAnswersTheSameRefusalLater()
    {
        await DepositAsync(Owner, 1_000);
        var before = await SnapshotAsync();

        var error = (await RequestAsync(1_001)).Error;
        Assert.Equal(("insufficient_funds", ErrorKind.Conflict), (error?.Code, error?.Kind));
        Rejected(await RequestAsync(1_001, "po-short"), "insufficient_funds");

        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(await PayoutsAsync(null));

        // The refusal is what the key answered: its retry answers it again even once the money is there.
        await DepositAsync(Owner, 5_000);
        var retried = await RequestAsync(1_001, "po-short");
        Assert.Equal(("insufficient_funds", true), (retried.Error?.Code, retried.Replayed));
        Assert.Equal((6_000L, 0L), await AvailableAndPayingOutAsync());
        Ok(await RequestAsync(1_001, "po-other"));
        Assert.Equal((4_999L, 1_001L), await AvailableAndPayingOutAsync());
        Ok(await FailAsync(Assert.Single(await PayoutsAsync(PayoutStatus.Pending)).Id, "Not needed"));
    }

    [Fact]
    public async Task TimeFirst_AfterTheTimeout_AReadSeesThePayoutVoided_AndTheMoneyAvailable_WithoutAnyWakeUp()
    {
        await DepositAsync(Owner, 10_000);
        var payout = Ok(await RequestAsync(4_000));

        // No scan may wake the account for this: its only wake-up would fail before the grain saw it.
        Fixture.Probe.FailNextWake(AccountKey);
        Fixture.Clock.Advance(PayoutTimeout + TimeSpan.FromSeconds(1));
        var now = Fixture.Clock.GetUtcNow();
        Assert.Equal(PayoutStatus.Pending, Assert.Single((await StoredAsync()).Payouts).Status);

        var balance = await BalanceAsync(Owner);
        var voided = Assert.Single(await PayoutsAsync(null));

        Assert.Equal((10_000L, 0L), (balance.Available, balance.PayingOut));
        Assert.Equal(payout with { Status = PayoutStatus.Voided, ClosedAt = now, Reason = "timeout" }, voided);
        Assert.Equal((TransferKind.PayoutVoided, $"payout/{payout.Id}/void", 4_000L, 10_000L, 0L),
            (await LinesAsync()).Select(l => (l.Order.Kind, l.Order.TransferId, l.Order.Amount.Amount, l.AvailableAfter, l.PayingOutAfter)).Last());
        var stored = await StoredAsync();
        Assert.Equal((PayoutStatus.Voided, (DateTimeOffset?)null), (Assert.Single(stored.Payouts).Status, stored.WakeAt));
        Fixture.Probe.TryTripWake(AccountKey);
    }

    [Fact]
    public async Task Complete_AfterTheTimeout_IsRefused_AndPaysNothing()
    {
        var before = await LedgerUsdAsync();
        await DepositAsync(Owner, 10_000);
        var payout = Ok(await RequestAsync(4_000));
        Fixture.Probe.FailNextWake(AccountKey);
        Fixture.Clock.Advance(PayoutTimeout);

        // The completion is the first call after the expiry: the timeout acts first, and a timeout never pays.
        var late = await CompleteAsync(payout.Id, "bank-ref-late");

        Rejected(late, "payout_not_pending");
        Assert.Contains("voided", late.Error!.Message, StringComparison.Ordinal);
        Assert.Equal((10_000L, 0L), await AvailableAndPayingOutAsync());
        Assert.Equal(0, (await TotalsAsync()).PaidOut);
        Assert.Equal(PayoutStatus.Voided, Assert.Single(await PayoutsAsync(null)).Status);
        Assert.Equal(0, (await LedgerUsdAsync()).PaidOut - before.PaidOut);
        Rejected(await FailAsync(payout.Id, "Bank closed"), "payout_not_pending");
        Fixture.Probe.TryTripWake(AccountKey);
    }

    [Fact]
    public async Task AWakeUpByTheScan_VoidsThePayoutDurably_AndAReactivatedAccountStillShowsIt()
    {
        await DepositAsync(Owner, 10_000);
        var payout = Ok(await RequestAsync(4_000));
        var kept = Ok(await RequestAsync(1_000));
        Ok(await CompleteAsync(kept.Id, "bank-ref-1"));
        Assert.Equal(payout.ExpiresAt, (await StoredAsync()).WakeAt);

        var woken = Fixture.Probe.Woken(AccountKey);
        Fixture.Clock.Advance(PayoutTimeout);
        await ScanAsync();
        await woken.WaitAsync(TimeSpan.FromSeconds(10));

        // Voided in the stored row by the wake-up itself, with nothing left to wake it for.
        var stored = await StoredAsync();
        Assert.Equal([PayoutStatus.Voided, PayoutStatus.Completed], stored.Payouts.Select(p => p.Status));
        Assert.Equal((9_000L, 0L, 1_000L, (DateTimeOffset?)null),
            (stored.Balances[Usd].Available, stored.Balances[Usd].PayingOut, stored.Balances[Usd].PaidOut, stored.WakeAt));

        var before = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(Account);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal((9_000L, 0L), await AvailableAndPayingOutAsync());
        Assert.Equal(payout.Id, Assert.Single(await PayoutsAsync(PayoutStatus.Voided)).Id);
        Assert.Equal(["deposit", "payout", "payout", "complete", "void"],
            (await LinesAsync()).Select(l => l.Order.TransferId.Split('/') switch { [var kind, _] => kind, [_, _, var step] => step, var other => other[0] }));

        var again = Fixture.Probe.Woken(AccountKey);
        await ScanAsync();
        Assert.False(again.IsCompleted);
    }

    [Fact]
    public async Task AFailedWrite_OfAPayoutRequest_AnswersAnError_AndLeavesNothing_AndItsRetryWorksOnce()
    {
        await DepositAsync(Owner, 10_000);
        var before = await SnapshotAsync();

        Fixture.Probe.FailNextWrite(Account.GetGrainId(), StorageLayout.Account);
        await Assert.ThrowsAnyAsync<Exception>(() => RequestAsync(4_000, "po-write"));

        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty((await StoredAsync()).Payouts);

        var retried = await RequestAsync(4_000, "po-write");
        Assert.True(retried.Succeeded && !retried.Replayed);
        var replayed = await RequestAsync(4_000, "po-write");
        Assert.True(replayed.Succeeded && replayed.Replayed);
        Assert.Equal(retried.Value, replayed.Value);
        Assert.Equal((6_000L, 4_000L), await AvailableAndPayingOutAsync());
        Assert.Equal(retried.Value!.Id, Assert.Single(await PayoutsAsync(null)).Id);
        Assert.Equal(2, (await LinesAsync()).Count);

        var stored = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(Account);
        Assert.Equal(stored, await SnapshotAsync());
        Assert.True((await RequestAsync(4_000, "po-write")).Replayed);
        Assert.True((await LedgerUsdAsync()).Balanced);
        Ok(await CompleteAsync(retried.Value.Id, "bank-ref-1"));
    }

    private async Task<(long Available, long PayingOut)> AvailableAndPayingOutAsync()
    {
        var balance = await BalanceAsync(Owner);
        return (balance.Available, balance.PayingOut);
    }

    private async Task<AccountTotals> TotalsAsync() => Assert.Single((await Account.ReportAsync()).Totals, t => t.Currency == Usd);

    private async Task<LedgerCurrencyReport> LedgerUsdAsync() =>
        Assert.Single(Ok(await Grains.Ledger().VerifyAsync(Platform)).Currencies, c => c.Currency == Usd);

    private async Task<IReadOnlyList<Payout>> PayoutsAsync(PayoutStatus? status) => Ok(await Account.GetPayoutsAsync(Owner, status, 0, 100)).Items;

    private async Task<IReadOnlyList<LedgerEntry>> LinesAsync() => Ok(await Account.GetTransfersAsync(Owner, 0, 500)).Entries;

    /// <summary>The account as its owner sees it: the view, the statement, the payouts and the ledger check's totals.</summary>
    private async Task<string> SnapshotAsync() => JsonSerializer.Serialize(new
    {
        View = Ok(await Account.GetAsync(Owner)),
        Transfers = await LinesAsync(),
        Payouts = await PayoutsAsync(null),
        Report = await Account.ReportAsync(),
    });

    /// <summary>The account's row as stored, read past the grain (a read through the grain would let due time act first).</summary>
    private Task<AccountState> StoredAsync() => StoredAccountAsync(Account);
}
