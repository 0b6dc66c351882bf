using Milestones.Domain;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// The escrow account: deposits idempotent by reference, holds itemised per contract and milestone, each
/// transfer id applied at most once, a hold resolved exactly once, and no money created or lost.
/// </summary>
public sealed class AccountTests
{
    private static Money Usd(long amount) => new(amount, "USD");

    private static TransferOrder Deposit(string reference, long amount, string currency = "USD") =>
        new(reference, TransferKind.Deposit, new Money(amount, currency));

    private static TransferOrder Hold(long amount, string milestone = "m1", string? id = null) =>
        new(id ?? $"c1/{milestone}/fund", TransferKind.Hold, Usd(amount), "c1", milestone);

    /// <summary>A capture that sends the whole hold to the freelancer (credited under the same id).</summary>
    private static TransferOrder Capture(long amount, string milestone = "m1", string? id = null)
    {
        var transferId = id ?? $"c1/{milestone}/release";
        return new(transferId, TransferKind.Capture, Usd(amount), "c1", milestone, "freelancer-1", [new TransferLeg(transferId, "usr_freelancer-1", amount)]);
    }

    private static TransferOrder Credit(long amount, string milestone = "m1") =>
        new($"c1/{milestone}/release", TransferKind.Credit, Usd(amount), "c1", milestone, "client-1");

    private static TransferOrder Refund(long amount, string milestone = "m1", string? id = null) =>
        new(id ?? $"c1/{milestone}/refund", TransferKind.Refund, Usd(amount), "c1", milestone);

    private static Account Funded(long available)
    {
        var account = new Account(new AccountState());
        Applied(account, Deposit("psp-1", available));
        return account;
    }

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
        return result.Error!;
    }

    private static (long Available, long Held, long Deposited) Balance(Account account, string currency = "USD")
    {
        var b = account.State.Balances[currency];
        return (b.Available, b.Held, b.Deposited);
    }

    [Fact]
    public void Deposit_AddsToAvailable()
    {
        var account = new Account(new AccountState());

        var result = Applied(account, Deposit("psp-1", 50_000));

        Assert.Equal((50_000L, 0L, 50_000L), Balance(account));
        Assert.Equal(new LedgerEntry(1, Deposit("psp-1", 50_000), Now, 50_000, 0), result.Entry);
        Assert.False(result.Replayed);
        Assert.True(account.HasApplied("psp-1"));
    }

    [Fact]
    public void Deposit_WithTheSameReferenceAgain_IsReplayed_AndChangesNothing()
    {
        var account = new Account(new AccountState());
        var first = Applied(account, Deposit("psp-1", 50_000));
        var before = account.State.Snapshot();

        var again = account.Apply(Deposit("psp-1", 50_000), Now.AddHours(1));

        Assert.Equal((true, true), (again.Succeeded, again.Replayed));
        Assert.Equal(first.Entry, again.Entry);
        Assert.Equal(before, account.State.Snapshot());
    }

    [Fact]
    public void Deposit_WithTheSameReference_AndADifferentAmount_IsRejected() =>
        Refused(Funded(50_000), Deposit("psp-1", 50_001), "deposit_reference_conflict");

    [Fact]
    public void Deposit_WithTheSameReference_AndADifferentCurrency_IsRejected() =>
        Refused(Funded(50_000), Deposit("psp-1", 50_000, "EUR"), "deposit_reference_conflict");

    [Fact]
    public void Deposits_InDifferentCurrencies_AreKeptApart()
    {
        var account = Funded(50_000);

        Applied(account, Deposit("psp-2", 7_000, "EUR"));

        Assert.Equal((50_000L, 0L, 50_000L), Balance(account, "USD"));
        Assert.Equal((7_000L, 0L, 7_000L), Balance(account, "EUR"));
    }

    [Fact]
    public void Hold_MovesAvailableToHeld_ItemisedByContractAndMilestone()
    {
        var account = Funded(50_000);

        var result = Applied(account, Hold(10_000), Now.AddMinutes(5));

        Assert.Equal((40_000L, 10_000L, 50_000L), Balance(account));
        var hold = Assert.Single(account.State.Holds);
        Assert.Equal("c1/m1", hold.Key);
        Assert.Equal(("c1", "m1", Usd(10_000), Now.AddMinutes(5)), (hold.Value.ContractId, hold.Value.MilestoneId, hold.Value.Amount, hold.Value.At));
        Assert.Equal((2L, 40_000L, 10_000L), (result.Entry!.Seq, result.Entry.AvailableAfter, result.Entry.HeldAfter));
    }

    [Fact]
    public void Hold_WithInsufficientFunds_IsRejected_AndChangesNothing()
    {
        var error = Refused(Funded(9_999), Hold(10_000), "insufficient_funds");
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void Hold_InACurrencyTheAccountHasNever_IsRejected_AndCreatesNoBalance()
    {
        var account = Funded(50_000);
        Refused(account, new TransferOrder("c1/m1/fund", TransferKind.Hold, new Money(1, "EUR"), "c1", "m1"), "insufficient_funds");
        Assert.False(account.State.Balances.ContainsKey("EUR"));
    }

    [Fact]
    public void Hold_OfExactlyTheAvailableAmount_Succeeds()
    {
        var account = Funded(10_000);
        Applied(account, Hold(10_000));
        Assert.Equal((0L, 10_000L, 10_000L), Balance(account));
    }

    [Fact]
    public void Hold_Replayed_ReturnsTheFirstOutcome_EvenThoughTheMoneyIsNoLongerAvailable()
    {
        var account = Funded(10_000);
        var first = Applied(account, Hold(10_000));
        var before = account.State.Snapshot();

        var again = account.Apply(Hold(10_000), Now.AddDays(1));

        Assert.Equal((true, true, first.Entry), (again.Succeeded, again.Replayed, again.Entry));
        Assert.Equal(before, account.State.Snapshot());
    }

    [Fact]
    public void Hold_RefusedForLackOfFunds_IsNotRemembered_SoItCanSucceedAfterADeposit()
    {
        var account = Funded(5_000);
        Refused(account, Hold(10_000), "insufficient_funds");
        Assert.False(account.HasApplied("c1/m1/fund"));

        Applied(account, Deposit("psp-2", 5_000));
        var result = Applied(account, Hold(10_000));

        Assert.False(result.Replayed);
        Assert.Equal((0L, 10_000L, 10_000L), Balance(account));
    }

    [Fact]
    public void TransferId_ReusedWithDifferentDetails_IsRejected()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));

        Refused(account, Hold(20_000), "transfer_id_conflict");
        Refused(account, Hold(10_000, milestone: "m2", id: "c1/m1/fund"), "transfer_id_conflict");
        Refused(account, new TransferOrder("c1/m1/fund", TransferKind.Refund, Usd(10_000), "c1", "m1"), "transfer_id_conflict");
    }

    [Fact]
    public void ASecondHold_ForAMilestoneAlreadyHeld_IsRejected()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));

        Refused(account, Hold(10_000, id: "c1/m1/fund-again"), "transfer_id_conflict");
        Assert.Equal((40_000L, 10_000L, 50_000L), Balance(account));
    }

    [Fact]
    public void Capture_TakesTheHold_AndKeepsTheMoneyInTransitUntilSettled()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));

        Applied(account, Capture(10_000));

        Assert.Equal((40_000L, 0L, 50_000L), Balance(account));
        Assert.Empty(account.State.Holds);
        Assert.Equal(10_000, account.InTransit("USD"));
        Assert.Equal(0, account.InTransit("EUR"));
        Assert.True(account.Settle("c1/m1/release"));
        Assert.Equal(0, account.InTransit("USD"));
        Assert.False(account.Settle("c1/m1/release"));
    }

    [Fact]
    public void Credit_AddsToTheFreelancersAvailable()
    {
        var freelancer = new Account(new AccountState());

        Applied(freelancer, Credit(10_000));

        Assert.Equal((10_000L, 0L, 0L), Balance(freelancer));
        Assert.True(freelancer.Apply(Credit(10_000), Now).Replayed);
        Assert.Equal((10_000L, 0L, 0L), Balance(freelancer));
    }

    [Fact]
    public void Refund_ReturnsTheHoldToAvailable()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));

        Applied(account, Refund(10_000));

        Assert.Equal((50_000L, 0L, 50_000L), Balance(account));
        Assert.Empty(account.State.Holds);
    }

    [Fact]
    public void AHold_ReleasedOnce_CannotBeRefundedOrReleasedAgainUnderAnotherId()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));
        Applied(account, Capture(10_000));

        Refused(account, Refund(10_000), "hold_not_found");
        Refused(account, Capture(10_000, id: "c1/m1/release-2"), "hold_not_found");
        Assert.True(account.Apply(Capture(10_000), Now).Replayed);
    }

    [Fact]
    public void AHold_RefundedOnce_CannotBeReleasedOrRefundedAgainUnderAnotherId()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));
        Applied(account, Refund(10_000));

        Refused(account, Capture(10_000), "hold_not_found");
        Refused(account, Refund(10_000, id: "c1/m1/refund-2"), "hold_not_found");
        Assert.True(account.Apply(Refund(10_000), Now).Replayed);
        Assert.Equal((50_000L, 0L, 50_000L), Balance(account));
    }

    [Theory]
    [InlineData(9_999)]
    [InlineData(10_001)]
    public void Capture_OrRefund_OfAnAmountOtherThanTheHold_IsRejected(long amount)
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));

        Refused(account, Capture(amount), "hold_not_found");
        Refused(account, Refund(amount), "hold_not_found");
    }

    [Fact]
    public void Capture_OrRefund_WithoutAHold_IsRejected()
    {
        var account = Funded(50_000);
        Refused(account, Capture(10_000), "hold_not_found");
        Refused(account, Refund(10_000), "hold_not_found");
    }

    [Fact]
    public void TheStatement_NumbersEveryAppliedTransfer_WithTheBalancesItLeft()
    {
        var account = Funded(50_000);
        Applied(account, Hold(10_000));
        Refused(account, Hold(99_000, "m2"), "insufficient_funds");
        Applied(account, Refund(10_000));

        Assert.Equal(
            [(1L, "psp-1", 50_000L, 0L), (2L, "c1/m1/fund", 40_000L, 10_000L), (3L, "c1/m1/refund", 50_000L, 0L)],
            account.State.Entries.Select(e => (e.Seq, e.Order.TransferId, e.AvailableAfter, e.HeldAfter)));
    }

    [Fact]
    public void AnAccountRebuiltFromItsState_StillRecognisesEveryAppliedTransfer()
    {
        var first = Funded(50_000);
        Applied(first, Hold(10_000));

        var reloaded = new Account(first.State);

        Assert.True(reloaded.HasApplied("c1/m1/fund"));
        Assert.True(reloaded.Apply(Hold(10_000), Now).Replayed);
        Assert.True(reloaded.Apply(Deposit("psp-1", 50_000), Now).Replayed);
        Assert.Equal((40_000L, 10_000L, 50_000L), Balance(reloaded));
    }

    [Fact]
    public void NoMoney_IsCreatedOrLost_AcrossAWholeContract()
    {
        var client = new Account(new AccountState());
        var freelancer = new Account(new AccountState());
        var steps = new List<Action>
        {
            () => Applied(client, Deposit("psp-1", 40_000)),
            () => Applied(client, Deposit("psp-1", 40_000)),
            () => Refused(client, Hold(50_000, "m2"), "insufficient_funds"),
            () => Applied(client, Hold(10_000)),
            () => Applied(client, Capture(10_000)),
            () => Applied(freelancer, Credit(10_000)),
            () => client.Settle("c1/m1/release"),
            () => Applied(client, Hold(20_000, "m2")),
            () => Applied(client, Hold(20_000, "m2")),
            () => Applied(client, Refund(20_000, "m2")),
            () => Applied(client, Deposit("psp-2", 5_000, "EUR")),
        };

        foreach (var step in steps)
        {
            step();
            foreach (var currency in new[] { "USD", "EUR" })
            {
                var accounts = new[] { client, freelancer };
                var inAccounts = accounts.Sum(a => a.State.Balances.GetValueOrDefault(currency) is { } b ? b.Available + b.Held : 0);
                // A capture is in transit until the destination applies the credit; then it is in that balance.
                var inTransit = client.State.InTransit
                    .Where(l => l.Value.Amount.Currency == currency && !freelancer.HasApplied(l.Key))
                    .Sum(l => l.Value.Amount.Amount);
                var deposited = accounts.Sum(a => a.State.Balances.GetValueOrDefault(currency) is { } b ? b.Deposited - b.PaidOut : 0);
                Assert.Equal(deposited, inAccounts + inTransit);
            }
        }

        Assert.Equal((30_000L, 0L, 40_000L), Balance(client));
        Assert.Equal((10_000L, 0L, 0L), Balance(freelancer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public void Restore_FromTheHoldsAfterTheSealedLines_AndTheLinesSince_GivesExactlyTheHoldsApplyingLeft(int sealedLines)
    {
        var account = Funded(10_000);
        Applied(account, Hold(1_000, "m1"), Now.AddMinutes(1));
        Applied(account, Hold(2_000, "m2"), Now.AddMinutes(2));
        Applied(account, Hold(3_000, "m3"), Now.AddMinutes(3));
        Applied(account, Refund(2_000, "m2"));
        Applied(account, Capture(1_000, "m1"));

        var restored = Restored(account.State, sealedLines, out var sealedHolds);
        Account.Restore(restored, sealedHolds, sealedPending: null);

        Assert.Equal(Holds(account.State), Holds(restored));
        Assert.Equal(["c1/m3"], restored.Holds.Keys);
    }

    [Fact]
    public void Restore_RefusesALedgerWithALineMissing()
    {
        var account = Funded(10_000);
        Applied(account, Hold(1_000, "m1"));
        Applied(account, Hold(2_000, "m2"));
        var restored = Restored(account.State, 0, out var sealedHolds);
        restored.Entries.RemoveAt(1);

        Assert.Throws<InvalidOperationException>(() => Account.Restore(restored, sealedHolds, sealedPending: null));
    }

    [Fact]
    public void Restore_RefusesLinesThatDoNotFollowTheSealedOnes()
    {
        var account = Funded(10_000);
        Applied(account, Hold(1_000, "m1"));
        var restored = Restored(account.State, 0, out var sealedHolds);
        restored.EarlierLines = StorageLayout.LedgerPageSize;

        Assert.Throws<InvalidOperationException>(() => Account.Restore(restored, sealedHolds, sealedPending: null));
    }

    [Fact]
    public void Restore_RefusesHoldsThatDisagreeWithTheHeldBalance()
    {
        var account = Funded(10_000);
        Applied(account, Hold(1_000, "m1"));
        var restored = Restored(account.State, 1, out var sealedHolds);
        restored.Balances["USD"].Held += 1;

        Assert.Throws<InvalidOperationException>(() => Account.Restore(restored, sealedHolds, sealedPending: null));
    }

    [Fact]
    public void NewLines_AreNumberedAfterTheSealedOnes()
    {
        var account = new Account(new AccountState { EarlierLines = 2 * StorageLayout.LedgerPageSize });

        var line = Applied(account, Deposit("pi_1", 500)).Entry!;

        Assert.Equal((2 * StorageLayout.LedgerPageSize) + 1, line.Seq);
        Assert.Equal((2 * StorageLayout.LedgerPageSize) + 1, account.LineCount);
    }

    [Fact]
    public void ATransferFoundInASealedPage_Replays_AndAnotherOrderUnderItsIdConflicts_ChangingNothing()
    {
        var account = Funded(10_000);
        var sealedLine = new LedgerEntry(3, Hold(1_000, "m9"), Now, 9_000, 1_000);
        var before = account.State.Snapshot();

        var replayed = account.Apply(Hold(1_000, "m9"), Now, sealedLine);
        var conflict = account.Apply(Hold(2_000, "m9"), Now, sealedLine);

        Assert.True(replayed.Replayed);
        Assert.Same(sealedLine, replayed.Entry);
        Assert.Equal("transfer_id_conflict", conflict.Error?.Code);
        Assert.Equal(before, account.State.Snapshot());
    }

    [Fact]
    public void ASealedLineOfAnotherTransferId_IsNotTakenForThisOne()
    {
        var account = Funded(10_000);
        var otherLine = new LedgerEntry(3, Hold(1_000, "m8"), Now, 9_000, 1_000);

        var result = account.Apply(Hold(1_000, "m9"), Now, otherLine);

        Assert.False(result.Replayed);
        Assert.Equal(1_000, account.State.Balances["USD"].Held);
    }

    /// <summary>
    /// What storage keeps of an account, read back (copies, so the original stays intact): the row with the lines
    /// after the first <paramref name="sealedLines"/>, and the holds snapshot after those lines.
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
            }),
            Entries = [.. state.Entries.Skip(sealedLines)],
            EarlierLines = sealedLines,
            InTransit = new(state.InTransit),
            Registered = state.Registered,
        };
    }

    private static List<(string, string, string, Money, DateTimeOffset)> Holds(AccountState state) =>
        [.. state.Holds.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => (h.Key, h.Value.ContractId, h.Value.MilestoneId, h.Value.Amount, h.Value.At))];

    [Theory]
    [InlineData("deposit/pi\0x", "invalid_id")]
    [InlineData("deposit/pi\u200Bx", "invalid_id")]
    [InlineData("deposit/ pi", "invalid_id")]
    [InlineData("deposit/", "reference_required")]
    public void Deposit_WithAReferenceThatBreaksTheIdRule_IsRefused_AndChangesNothing(string transferId, string code) =>
        Assert.Equal("reference", Refused(Funded(100), Deposit(transferId, 100), code).Field);

    [Fact]
    public void Deposit_WithAReferenceOf128Characters_IsApplied() =>
        Applied(Funded(100), Deposit("deposit/" + new string('r', Validate.MaxIdLength), 100));

    [Fact]
    public void KeysTheFirstBuildsStored_AreMovedIntoTheOneRulesList_AsItsOldest_WithWhatTheyMadeOrRefused()
    {
        var refusal = Errors.InsufficientFunds(0, 5);
        var state = new AccountState
        {
            FirstKeys = [new AccountKey("p1", "payout 5 USD", "po_1"), new AccountKey("p2", "payout 5 USD", Refusal: refusal)],
            EarlierKeys = [new IdempotencyRecord("p3", "f", null, DateTimeOffset.UnixEpoch)],
        };

        state.Loaded();

        Assert.Empty(state.FirstKeys);
        Assert.Equal(["p1", "p2", "p3"], state.Keys.Select(k => k.Key));
        Assert.Equal(("po_1", (Error?)null, DateTimeOffset.MinValue), (state.Keys[0].Made, state.Keys[0].Rejection, state.Keys[0].At));
        Assert.Equal(refusal, state.Keys[1].Rejection);

        // Its text is no fingerprint of today's requests: a retry is refused as reused, never run again.
        Assert.Equal("idempotency_key_reused", IdempotencyKeys.Lookup(state.Keys, "p1", Fingerprint.Of("payout", new { })).Reused?.Code);
    }
}
