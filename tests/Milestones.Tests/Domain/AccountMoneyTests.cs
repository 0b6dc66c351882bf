using System.Text.Json;
using CsCheck;
using Milestones.Domain;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// The account's money rules without a cluster: a debit takes pending money first (the latest due first), then
/// available, or nothing at all; time first (due credits become available, then expired payouts are voided); the
/// ledger lines alone rebuild the holds, the pending credits and the view (what a deposit's replay and a restored
/// account rely on); and a restored state whose pending credits or open payouts disagree with its balance is refused.
/// </summary>
public sealed class AccountMoneyTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly JsonSerializerOptions Json = new();

    private static Money Usd(long amount) => new(amount, "USD");

    private static TransferOrder Deposit(string reference, long amount, string currency = "USD") =>
        new($"deposit/{reference}", TransferKind.Deposit, new Money(amount, currency));

    /// <summary>A credit of a release, pending until <paramref name="availableAt"/> (available at once if that is not later than the time applied).</summary>
    private static TransferOrder Credit(string id, long amount, DateTimeOffset? availableAt, string currency = "USD") =>
        new(id, TransferKind.Credit, new Money(amount, currency), "c1", "m1", "client-1", AvailableAt: availableAt);

    /// <summary>A debit that sends all it takes to the client (as a refund's does).</summary>
    private static TransferOrder Debit(string id, long amount, string currency = "USD") =>
        new(id, TransferKind.Debit, new Money(amount, currency), "c1", null, "client-1", [new TransferLeg(id, "usr_client-1", amount)]);

    private static TransferResult Applied(Account account, TransferOrder order, DateTimeOffset? at = null)
    {
        var result = account.Apply(order, at ?? Now);
        Assert.True(result.Succeeded, result.Error?.Code);
        return result;
    }

    private static Error Refused(Account account, TransferOrder order, string code)
    {
        var before = account.State.Snapshot();
        var result = account.Apply(order, Now);
        Assert.Equal((code, false, (LedgerEntry?)null), (result.Error?.Code, result.Replayed, result.Entry));
        Assert.Equal(before, account.State.Snapshot());
        Assert.False(account.HasApplied(order.TransferId));
        return result.Error!;
    }

    private static (long Available, long Pending, long Held, long PayingOut) Balance(Account account, string currency = "USD")
    {
        var b = account.State.Balances[currency];
        return (b.Available, b.Pending, b.Held, b.PayingOut);
    }

    private static List<(string TransferId, long Amount, DateTimeOffset AvailableAt)> Pending(Account account) =>
        [.. account.State.Pending.Select(p => (p.TransferId, p.Amount.Amount, p.AvailableAt))];

    [Fact]
    public void Debit_TakesFromPendingFirst_TheLatestDueFirst_ThenFromAvailable()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        Applied(account, Credit("c1/a", 300, Now + Day));
        Applied(account, Credit("c1/b", 500, Now + (3 * Day)));
        Applied(account, Credit("c1/c", 200, Now + (2 * Day)));
        Assert.Equal((1_000L, 1_000L, 0L, 0L), Balance(account));

        // 900: all of b (due last), all of c, then 200 of a; the available balance is not touched.
        var first = Applied(account, Debit("c1/return/r1", 900)).Entry!;

        Assert.Equal((1_000L, 100L, 0L, 0L), Balance(account));
        Assert.Equal([("c1/a", 100L, Now + Day)], Pending(account));
        Assert.Equal((1_000L, 100L), (first.AvailableAfter, first.PendingAfter));
        Assert.Equal(900, account.InTransit("USD"));

        // 300: the last 100 pending, then 200 of the available balance.
        var second = Applied(account, Debit("c1/return/r2", 300)).Entry!;

        Assert.Equal((800L, 0L, 0L, 0L), Balance(account));
        Assert.Empty(account.State.Pending);
        Assert.Equal((800L, 0L), (second.AvailableAfter, second.PendingAfter));
        Assert.Equal(1_200, account.InTransit("USD"));

        // Nothing it took becomes available later.
        Assert.False(account.CatchUp(Now + (4 * Day)));
        Assert.Equal((800L, 0L, 0L, 0L), Balance(account));
        Assert.Null(account.NextDue);
    }

    [Fact]
    public void Debit_AmongCreditsDueAtTheSameTime_TakesTheLaterIdFirst_AndLeavesTheRestOfAPartlyTakenCreditDueAsBefore()
    {
        var account = new Account(new AccountState());
        Applied(account, Credit("c1/x", 100, Now + Day));
        Applied(account, Credit("c1/y", 100, Now + Day));

        Applied(account, Debit("c1/return/r1", 150));

        Assert.Equal([("c1/x", 50L, Now + Day)], Pending(account));
        Assert.True(account.CatchUp(Now + Day));
        Assert.Equal((50L, 0L, 0L, 0L), Balance(account));
        var line = account.State.Entries[^1];
        Assert.Equal(("c1/x/available", TransferKind.Available, 50L), (line.Order.TransferId, line.Order.Kind, line.Order.Amount.Amount));
    }

    [Fact]
    public void Debit_OnlyInTheCurrencyOfItsAmount_TakesPendingMoney()
    {
        var account = new Account(new AccountState());
        Applied(account, Credit("c1/eur", 500, Now + Day, "EUR"));
        Applied(account, Credit("c1/usd", 500, Now + Day));

        Applied(account, Debit("c1/return/r1", 200, "EUR"));

        Assert.Equal([("c1/eur", 300L, Now + Day), ("c1/usd", 500L, Now + Day)], Pending(account));
        Assert.Equal((0L, 300L, 0L, 0L), Balance(account, "EUR"));
        Assert.Equal((0L, 500L, 0L, 0L), Balance(account));
    }

    [Fact]
    public void Debit_WhenPendingAndAvailableFallShort_IsRefused_AndChangesNothing_HeldMoneyNotCounted()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        Applied(account, new TransferOrder("c1/m1/fund", TransferKind.Hold, Usd(800), "c1", "m1"));
        Applied(account, Credit("c1/a", 100, Now + Day));

        var error = Refused(account, Debit("c1/return/r1", 301), "insufficient_funds");

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("Available 300 is less than the 301 needed.", error.Message);
        Assert.Equal(0, account.InTransit("USD"));

        Applied(account, Debit("c1/return/r1", 300));
        Assert.Equal((0L, 0L, 800L, 0L), Balance(account));
    }

    [Fact]
    public void Debit_InACurrencyTheAccountHasNever_IsRefused_AndCreatesNoBalance()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));

        Refused(account, Debit("c1/return/r1", 1, "EUR"), "insufficient_funds");

        Assert.False(account.State.Balances.ContainsKey("EUR"));
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(300L)]
    public void Debit_WhoseLegsDoNotAddUpToItsAmount_IsRefused(long legs)
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));

        Refused(account, Debit("c1/return/r1", 200) with { Legs = [new TransferLeg("c1/return/r1", "usr_client-1", legs)] }, "invalid_legs");
        Refused(account, Debit("c1/return/r1", 200) with { Legs = [new TransferLeg("c1/return/r1", "usr_client-1", 0), new TransferLeg("c1/x", "usr_x", 200)] }, "invalid_legs");
    }

    [Fact]
    public void Debit_Replayed_AnswersItsFirstLine_EvenWithoutTheMoneyNow_AndAnotherUnderItsIdConflicts()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 500));
        var first = Applied(account, Debit("c1/return/r1", 500));
        var before = account.State.Snapshot();

        var again = account.Apply(Debit("c1/return/r1", 500), Now + Day);

        Assert.Equal((true, first.Entry), (again.Replayed, again.Entry));
        Assert.Equal(before, account.State.Snapshot());
        Assert.Equal("transfer_id_conflict", account.Apply(Debit("c1/return/r1", 400), Now).Error?.Code);
    }

    [Theory]
    [InlineData(TransferKind.Available)]
    [InlineData(TransferKind.Payout)]
    [InlineData(TransferKind.PayoutCompleted)]
    [InlineData(TransferKind.PayoutFailed)]
    [InlineData(TransferKind.PayoutVoided)]
    public void PendingMoneyAndPayouts_NeverMoveByATransfer(TransferKind kind)
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        Applied(account, Credit("c1/a", 100, Now + Day));

        Refused(account, new TransferOrder(kind == TransferKind.Available ? "c1/a/available" : "payout/po_1", kind, Usd(100)), "invalid_kind");
    }

    [Fact]
    public void CatchUp_IsTimeFirst_DueCreditsEarliestFirst_ThenExpiredPayoutsVoided_EachOnce()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        Applied(account, Credit("c1/late", 200, Now + (2 * Day)));
        Applied(account, Credit("c1/early", 300, Now + Day));
        var (payout, error) = account.RequestPayout("po_1", Usd(400), Now, TimeSpan.FromDays(7));
        Assert.Null(error);
        Assert.Equal((600L, 500L, 0L, 400L), Balance(account));
        Assert.Equal(Now + Day, account.NextDue);

        Assert.False(account.CatchUp(Now + Day - TimeSpan.FromTicks(1)));
        Assert.True(account.CatchUp(Now + (8 * Day)));

        Assert.Equal(
            [("c1/early/available", TransferKind.Available, 300L), ("c1/late/available", TransferKind.Available, 200L), ("payout/po_1/void", TransferKind.PayoutVoided, 400L)],
            account.State.Entries.TakeLast(3).Select(l => (l.Order.TransferId, l.Order.Kind, l.Order.Amount.Amount)));
        Assert.Equal((1_500L, 0L, 0L, 0L), Balance(account));
        Assert.Equal(payout! with { Status = PayoutStatus.Voided, ClosedAt = Now + (8 * Day), Reason = "timeout" }, Assert.Single(account.State.Payouts));
        Assert.Null(account.NextDue);
        Assert.False(account.CatchUp(Now + (9 * Day)));
    }

    [Fact]
    public void APayout_IsPaidFromAvailableOnly_NeverFromPendingMoney()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        Applied(account, Credit("c1/a", 500, Now + Day));
        var before = account.State.Snapshot();

        var (payout, error) = account.RequestPayout("po_1", Usd(1_001), Now, TimeSpan.FromDays(7));

        Assert.Null(payout);
        Assert.Equal(("insufficient_funds", "Available 1000 is less than the 1001 needed."), (error?.Code, error?.Message));
        Assert.Equal(before, account.State.Snapshot());
        Assert.Null(account.RequestPayout("po_1", Usd(1_000), Now, TimeSpan.FromDays(7)).Error);
    }

    [Fact]
    public void ClosePayout_Once_ThenTheSameOutcomeReplays_AndAnyOtherIsRefused()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 1_000));
        account.RequestPayout("po_1", Usd(400), Now, TimeSpan.FromDays(7));

        var (completed, error, replayed) = account.ClosePayout("po_1", PayoutStatus.Completed, "bank-ref-1", Now + Day);
        Assert.Equal((PayoutStatus.Completed, "bank-ref-1", (Error?)null, false), (completed!.Status, completed.Reference, error, replayed));
        Assert.Equal((600L, 0L, 0L, 0L), Balance(account));
        Assert.Equal(400, account.State.Balances["USD"].PaidOut);
        var before = account.State.Snapshot();

        Assert.Equal((completed, (Error?)null, true), account.ClosePayout("po_1", PayoutStatus.Completed, "bank-ref-1", Now + (2 * Day)));
        Assert.Equal("payout_not_pending", account.ClosePayout("po_1", PayoutStatus.Completed, "bank-ref-2", Now).Error?.Code);
        Assert.Equal("payout_not_pending", account.ClosePayout("po_1", PayoutStatus.Failed, "Bank closed", Now).Error?.Code);
        Assert.Equal("payout_not_found", account.ClosePayout("po_2", PayoutStatus.Completed, "bank-ref-1", Now).Error?.Code);
        Assert.Equal(before, account.State.Snapshot());
    }

    [Fact]
    public void Restore_AcceptsPendingCreditsAndOpenPayouts_ThatAddUpToTheBalance()
    {
        var account = WithPendingAndPayouts();

        var restored = Restored(account.State, 2, out var sealedHolds);
        Account.Restore(restored, sealedHolds, sealedPending: null);

        Assert.Equal(HoldsOf(account.State.Holds), HoldsOf(restored.Holds));
        Assert.Equal(Balance(account), Balance(new Account(restored)));
        Assert.Equal(account.NextDue, new Account(restored).NextDue);
    }

    [Theory]
    [InlineData("pending balance")]
    [InlineData("pending credit missing")]
    [InlineData("pending credit changed")]
    [InlineData("paying-out balance")]
    [InlineData("payout closed")]
    [InlineData("payout missing")]
    public void Restore_Refuses_PendingCreditsOrOpenPayouts_ThatDisagreeWithTheBalance(string broken)
    {
        var restored = Restored(WithPendingAndPayouts().State, 2, out var sealedHolds);
        var balance = restored.Balances["USD"];
        switch (broken)
        {
            case "pending balance":
                balance.Pending += 1;
                break;
            case "pending credit missing":
                restored.Pending.RemoveAt(0);
                break;
            case "pending credit changed":
                restored.Pending[0] = restored.Pending[0] with { Amount = Usd(restored.Pending[0].Amount.Amount - 1) };
                break;
            case "paying-out balance":
                balance.PayingOut -= 1;
                break;
            case "payout closed":
                restored.Payouts[0] = restored.Payouts[0] with { Status = PayoutStatus.Completed };
                break;
            default:
                restored.Payouts.RemoveAt(0);
                break;
        }

        Assert.Throws<InvalidOperationException>(() => Account.Restore(restored, sealedHolds, sealedPending: null));
    }

    [Theory]
    [InlineData("a credit missing", 5)]
    [InlineData("a credit changed", 5)]
    [InlineData("as of a line not in memory", 1)]
    [InlineData("as of a line not yet stored", 10)]
    public void Restore_Refuses_ASnapshotsPendingCredits_ThatDisagreeWithTheBalanceOrTheLines(string broken, int asOf)
    {
        var account = WithPendingAndPayouts();
        List<PendingCredit> sealedPending = [];
        foreach (var line in account.State.Entries.Take(Math.Min(asOf, account.State.Entries.Count)))
        {
            Account.ApplyToPending(sealedPending, line);
        }

        switch (broken)
        {
            case "a credit missing":
                sealedPending.RemoveAt(0);
                break;
            case "a credit changed":
                sealedPending[0] = sealedPending[0] with { Amount = Usd(sealedPending[0].Amount.Amount - 1) };
                break;
        }

        var restored = Restored(account.State, 2, out var sealedHolds);
        Assert.Throws<InvalidOperationException>(() => Account.Restore(restored, sealedHolds, new SealedPending(sealedPending, asOf)));
    }

    [Fact]
    public void ARowHoldingItsPendingCredits_KeepsThemThere_UntilItsSnapshotHoldsThem()
    {
        var account = WithPendingAndPayouts();
        var restored = Restored(account.State, 2, out var sealedHolds);
        restored.PendingInRow = restored.Pending;
        restored.Loaded();
        Account.Restore(restored, sealedHolds, sealedPending: null);
        restored.Writing();
        Assert.Equal(account.State.Pending, restored.PendingInRow);

        Account.Restore(restored, sealedHolds, new SealedPending([.. account.State.Pending], account.State.Entries.Count));
        restored.Writing();
        Assert.Null(restored.PendingInRow);
        Assert.Equal(account.State.Pending, restored.Pending);
    }

    /// <summary>
    /// After any sequence of credits (pending or not), deposits, holds and their captures or refunds, debits, payouts
    /// and their outcomes, with time passing (and caught up before each step, as the grain does): replaying the ledger
    /// lines with <see cref="Account.ApplyToHolds"/> and <see cref="Account.ApplyToPending"/> gives exactly the holds and
    /// the pending credits of the state, the view as of the last line is the current view, and the state restored from
    /// any sealed prefix is accepted with the same holds.
    /// </summary>
    [Fact]
    public void ReplayingTheLedger_GivesExactlyTheStatesHoldsPendingCreditsAndView_AfterAnySequence() =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3], Gen.Long[1, 1_500], Gen.Int[0, 200], Gen.Int[0, 7])
            .Select((kind, currency, amount, hours, pick) => new Step((StepKind)kind, currency == 0 ? "EUR" : "USD", amount, hours, pick))
            .Array[1, 40]
            .Sample(Run, iter: 2_000, threads: 1, print: steps => string.Join("; ", steps.Select(s => s.ToString())));

    public enum StepKind
    {
        Deposit,
        PendingCredit,
        Credit,
        Debit,
        Hold,
        Capture,
        RefundHold,
        Wait,
        RequestPayout,
        ClosePayout,
    }

    public sealed record Step(StepKind Kind, string Currency, long Amount, int Hours, int Pick)
    {
        public override string ToString() => $"{Kind}({Amount} {Currency}, {Hours}h, #{Pick})";
    }

    private static void Run(Step[] steps)
    {
        var account = new Account(new AccountState());
        var now = Now;
        var n = 0;
        foreach (var step in steps)
        {
            n++;
            account.CatchUp(now);
            var money = new Money(step.Amount, step.Currency);
            var holds = account.State.Holds.Values.Where(h => h.Amount.Currency == step.Currency).ToList();
            switch (step.Kind)
            {
                case StepKind.Deposit:
                    account.Apply(Deposit($"psp-{n}", step.Amount, step.Currency), now);
                    break;
                case StepKind.PendingCredit:
                    account.Apply(Credit($"c2/m{n}/release", step.Amount, now + TimeSpan.FromHours(step.Hours + 1), step.Currency), now);
                    break;
                case StepKind.Credit:
                    account.Apply(Credit($"c2/m{n}/release", step.Amount, step.Hours % 2 == 0 ? null : now, step.Currency), now);
                    break;
                case StepKind.Debit:
                    account.Apply(Debit($"c1/return/r{n}", step.Amount, step.Currency), now);
                    break;
                case StepKind.Hold:
                    account.Apply(new TransferOrder($"c1/m{n}/fund", TransferKind.Hold, money, "c1", $"m{n}"), now);
                    break;
                case StepKind.Capture when holds.Count > 0:
                    var captured = holds[step.Pick % holds.Count];
                    var id = $"c1/{captured.MilestoneId}/release";
                    var leg = Math.Min(step.Amount, captured.Amount.Amount);
                    Assert.True(account.Apply(new TransferOrder(id, TransferKind.Capture, captured.Amount, "c1", captured.MilestoneId, "freelancer-1",
                        [new TransferLeg(id, "usr_freelancer-1", leg)]), now).Succeeded);
                    break;
                case StepKind.RefundHold when holds.Count > 0:
                    var refunded = holds[step.Pick % holds.Count];
                    Assert.True(account.Apply(new TransferOrder($"c1/{refunded.MilestoneId}/refund", TransferKind.Refund, refunded.Amount, "c1", refunded.MilestoneId), now).Succeeded);
                    break;
                case StepKind.Wait:
                    now += TimeSpan.FromHours(step.Hours);
                    break;
                case StepKind.RequestPayout:
                    account.RequestPayout($"po_{n}", money, now, TimeSpan.FromHours(step.Hours + 1));
                    break;
                case StepKind.ClosePayout when account.State.Payouts.Count > 0:
                    var payout = account.State.Payouts[step.Pick % account.State.Payouts.Count];
                    account.ClosePayout(payout.Id, step.Amount % 2 == 0 ? PayoutStatus.Completed : PayoutStatus.Failed, $"detail-{n}", now);
                    break;
            }

            AssertTheLedgerRebuildsTheState(account.State);
        }
    }

    private static void AssertTheLedgerRebuildsTheState(AccountState state)
    {
        var holds = new Dictionary<string, Hold>();
        var pending = new List<PendingCredit>();
        foreach (var line in state.Entries)
        {
            Account.ApplyToHolds(holds, line);
            Account.ApplyToPending(pending, line);
        }

        Assert.Equal(HoldsOf(state.Holds), HoldsOf(holds));
        Assert.Equal(state.Pending, pending);
        Assert.Equal(
            JsonSerializer.Serialize(AccountViews.Current("u1", state), Json),
            JsonSerializer.Serialize(AccountViews.AsOf("u1", state.Entries), Json));
        foreach (var (currency, balance) in state.Balances)
        {
            Assert.Equal(balance.Pending, state.Pending.Where(p => p.Amount.Currency == currency).Sum(p => p.Amount.Amount));
            Assert.Equal(balance.PayingOut, state.Payouts.Where(p => p.Status == PayoutStatus.Pending && p.Currency == currency).Sum(p => p.Amount));
            Assert.True(balance.Available >= 0 && balance.Pending >= 0 && balance.Held >= 0 && balance.PayingOut >= 0);
        }

        var sealedLines = state.Entries.Count / 2;
        var restored = Restored(state, sealedLines, out var sealedHolds);
        Account.Restore(restored, sealedHolds, sealedPending: null);
        Assert.Equal(HoldsOf(state.Holds), HoldsOf(restored.Holds));

        // The pending credits as of any line from the sealed one on, with the lines since, are those of the state (the
        // row holds none).
        var pendingAsOf = sealedLines + ((state.Entries.Count - sealedLines) * (state.Entries.Count % 3) / 2);
        List<PendingCredit> sealedPending = [];
        foreach (var line in state.Entries.Take(pendingAsOf))
        {
            Account.ApplyToPending(sealedPending, line);
        }

        var fromSnapshot = Restored(state, sealedLines, out _);
        fromSnapshot.Pending = [];
        Account.Restore(fromSnapshot, sealedHolds, new SealedPending(sealedPending, pendingAsOf));
        Assert.Equal(state.Pending, fromSnapshot.Pending);
        Assert.False(fromSnapshot.PendingKeptInRow);
    }

    private static List<(string, string, string, Money, DateTimeOffset)> HoldsOf(IDictionary<string, Hold> holds) =>
        [.. holds.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => (h.Key, h.Value.ContractId, h.Value.MilestoneId, h.Value.Amount, h.Value.At))];

    /// <summary>An account with a hold, two pending credits (one partly debited) and two open payouts, and a payout completed.</summary>
    private static Account WithPendingAndPayouts()
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", 5_000));
        Applied(account, new TransferOrder("c1/m1/fund", TransferKind.Hold, Usd(1_000), "c1", "m1"));
        Applied(account, Credit("c1/a", 700, Now + Day));
        Applied(account, Credit("c1/b", 300, Now + (2 * Day)));
        Applied(account, Debit("c1/return/r1", 400));
        Assert.Null(account.RequestPayout("po_1", Usd(1_000), Now, TimeSpan.FromDays(7)).Error);
        Assert.Null(account.RequestPayout("po_2", Usd(500), Now, TimeSpan.FromDays(7)).Error);
        Assert.Null(account.RequestPayout("po_3", Usd(250), Now, TimeSpan.FromDays(7)).Error);
        Assert.Null(account.ClosePayout("po_3", PayoutStatus.Completed, "bank-ref-3", Now).Error);
        Assert.Equal((2_250L, 600L, 1_000L, 1_500L), Balance(account));
        return account;
    }

    /// <summary>
    /// What storage keeps of an account, read back as copies: the row (balances, pending credits, payouts, keys, money
    /// in transit, the lines after the first <paramref name="sealedLines"/>) and the holds open after those lines.
    /// </summary>
    private static AccountState Restored(AccountState state, int sealedLines, out Dictionary<string, Hold> sealedHolds)
    {
        sealedHolds = [];
        foreach (var line in state.Entries.Take(sealedLines))
        {
            Account.ApplyToHolds(sealedHolds, line);
        }

        return new AccountState
        {
            Balances = state.Balances.ToDictionary(b => b.Key, b => new CurrencyBalance
            {
                Available = b.Value.Available, Held = b.Value.Held, Deposited = b.Value.Deposited, PaidOut = b.Value.PaidOut,
                Pending = b.Value.Pending, PayingOut = b.Value.PayingOut,
            }),
            Entries = [.. state.Entries.Skip(sealedLines)],
            EarlierLines = state.EarlierLines + sealedLines,
            InTransit = new(state.InTransit),
            Pending = [.. state.Pending],
            Registered = state.Registered,
            Payouts = [.. state.Payouts],
        };
    }
}
