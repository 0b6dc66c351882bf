namespace Milestones.Domain;

/// <summary>
/// The rules of one escrow account. Transfers are applied at most once by id: applying an id again returns
/// the first outcome and changes nothing. A refused transfer is not recorded, because it changed nothing.
/// Only the ledger lines in memory (<see cref="AccountState.Entries"/>) are known here; the grain looks up a line
/// in a sealed page when it must and passes it in, so no decision needs the whole history.
/// </summary>
public sealed partial class Account(AccountState state)
{
    private readonly Dictionary<string, LedgerEntry> byId = state.Entries.ToDictionary(e => e.Order.TransferId);

    public AccountState State => state;

    /// <summary>How many lines the ledger has: those in sealed pages before the lines in memory, and those.</summary>
    public long LineCount => state.EarlierLines + state.Entries.Count;

    /// <summary>Whether a line in memory applied this transfer id (lines in sealed pages are the grain's to look up).</summary>
    public bool HasApplied(string transferId) => byId.ContainsKey(transferId);

    /// <summary>
    /// Applies a transfer, or answers the line that first applied its id: one in memory, or
    /// <paramref name="sealedLine"/>, the line the grain found for this id in a sealed page.
    /// </summary>
    public TransferResult Apply(TransferOrder order, DateTimeOffset now, LedgerEntry? sealedLine = null)
    {
        var first = byId.GetValueOrDefault(order.TransferId) ?? (sealedLine?.Order.TransferId == order.TransferId ? sealedLine : null);
        if (first is not null)
        {
            return first.Order == order
                ? new TransferResult(first, Replayed: true, null)
                : new TransferResult(null, false, order.Kind == TransferKind.Deposit
                    ? Errors.DepositReferenceConflict(order.TransferId)
                    : Errors.TransferIdConflict(order.TransferId));
        }

        if (order.Kind == TransferKind.Deposit && Validate.Id(order.TransferId[(order.TransferId.IndexOf('/', StringComparison.Ordinal) + 1)..], "reference") is { } invalid)
        {
            return new TransferResult(null, false, invalid);
        }

        if (order.Amount.Amount <= 0)
        {
            return new TransferResult(null, false, Errors.Invalid("invalid_amount", "amount", "A transfer moves a positive amount."));
        }

        var error = Check(order, state.Balances.GetValueOrDefault(order.Amount.Currency) ?? new CurrencyBalance());
        if (error is not null)
        {
            return new TransferResult(null, false, error);
        }

        return new TransferResult(Record(order, now), Replayed: false, null);
    }

    /// <summary>
    /// Time first: every pending credit whose security period has ended by <paramref name="now"/> becomes available,
    /// each by a line of its own (<c>{credit id}/available</c>), earliest first; then every payout past its expiry is
    /// voided. True if anything changed.
    /// </summary>
    public bool CatchUp(DateTimeOffset now)
    {
        // Every call of the account catches up first (the fee account's on every release): nothing is due is the
        // common answer, found without allocating.
        if (!(NextDue <= now))
        {
            return false;
        }

        var due = state.Pending.Where(p => p.AvailableAt <= now)
            .OrderBy(p => p.AvailableAt).ThenBy(p => p.TransferId, StringComparer.Ordinal)
            .ToList();
        foreach (var credit in due)
        {
            Record(new TransferOrder(credit.TransferId + "/available", TransferKind.Available, credit.Amount), now);
        }

        return VoidExpiredPayouts(now) | due.Count > 0;
    }

    /// <summary>When the account must be woken (<see cref="AccountState.NextDue"/>).</summary>
    public DateTimeOffset? NextDue => state.NextDue;

    private LedgerEntry Record(TransferOrder order, DateTimeOffset now)
    {
        var balance = Balance(order.Amount.Currency);
        Move(order, balance, now);
        var entry = new LedgerEntry(LineCount + 1, order, now, balance.Available, balance.Held, balance.Pending, balance.PayingOut);
        ApplyToHolds(state.Holds, entry);
        state.Entries.Add(entry);
        byId.Add(order.TransferId, entry);
        return entry;
    }

    /// <summary>
    /// Completes a state read from storage: its holds are <paramref name="sealedHolds"/> (those open after the last
    /// sealed line, <see cref="AccountState.EarlierLines"/>) with the lines in memory applied; its pending credits
    /// are <paramref name="sealedPending"/>'s with the lines after it applied, or, where that is null (a snapshot an
    /// earlier build wrote), those its row holds. Checks that those lines follow the sealed ones without a gap and
    /// that the holds and pending credits add up to the balances.
    /// </summary>
    public static void Restore(AccountState state, IReadOnlyDictionary<string, Hold> sealedHolds, SealedPending? sealedPending)
    {
        state.Holds = new Dictionary<string, Hold>(sealedHolds);
        state.PendingKeptInRow = sealedPending is null;
        if (sealedPending is not null)
        {
            if (sealedPending.AsOfLine < state.EarlierLines || sealedPending.AsOfLine > state.EarlierLines + state.Entries.Count)
            {
                throw new InvalidOperationException(
                    $"The pending credits are as of line {sealedPending.AsOfLine}; the lines in memory are {state.EarlierLines + 1} to {state.EarlierLines + state.Entries.Count}.");
            }

            state.Pending = [.. sealedPending.Credits];
        }

        for (var i = 0; i < state.Entries.Count; i++)
        {
            if (state.Entries[i].Seq != state.EarlierLines + i + 1)
            {
                throw new InvalidOperationException($"The ledger is not whole: line {state.EarlierLines + i + 1} has sequence number {state.Entries[i].Seq}.");
            }

            ApplyToHolds(state.Holds, state.Entries[i]);
            if (state.Entries[i].Seq > sealedPending?.AsOfLine)
            {
                ApplyToPending(state.Pending, state.Entries[i]);
            }
        }

        foreach (var (currency, balance) in state.Balances)
        {
            var held = state.Holds.Values.Where(h => h.Amount.Currency == currency).Sum(h => h.Amount.Amount);
            var pending = state.Pending.Where(p => p.Amount.Currency == currency).Sum(p => p.Amount.Amount);
            var payingOut = state.Payouts.Where(p => p.Status == PayoutStatus.Pending && p.Currency == currency).Sum(p => p.Amount);
            if (held != balance.Held || pending != balance.Pending || payingOut != balance.PayingOut)
            {
                throw new InvalidOperationException(
                    $"In {currency} the holds add up to {held}, the pending credits to {pending} and the open payouts to {payingOut}; " +
                    $"the balance says {balance.Held}, {balance.Pending} and {balance.PayingOut}.");
            }
        }
    }

    /// <summary>What one ledger line does to the open holds: a hold opens one, a capture or refund closes it.</summary>
    public static void ApplyToHolds(IDictionary<string, Hold> holds, LedgerEntry line)
    {
        var order = line.Order;
        switch (order.Kind)
        {
            case TransferKind.Hold:
                holds[order.HoldKey] = new Hold { ContractId = order.ContractId!, MilestoneId = order.MilestoneId!, Amount = order.Amount, At = line.At };
                break;
            case TransferKind.Capture or TransferKind.Refund:
                holds.Remove(order.HoldKey);
                break;
        }
    }

    /// <summary>
    /// What one ledger line does to the pending credits: a credit with a later due time adds one, its
    /// <see cref="TransferKind.Available"/> line removes it, a debit takes from them.
    /// </summary>
    public static void ApplyToPending(List<PendingCredit> pending, LedgerEntry line)
    {
        var order = line.Order;
        switch (order.Kind)
        {
            case TransferKind.Credit when order.AvailableAt > line.At:
                pending.Add(new PendingCredit(order.TransferId, order.Amount, order.AvailableAt.Value));
                break;
            case TransferKind.Debit:
                TakeFromPending(pending, order.Amount.Currency, order.Amount.Amount);
                break;
            case TransferKind.Available:
                var credit = order.TransferId[..^"/available".Length];
                for (var i = 0; i < pending.Count; i++)
                {
                    if (pending[i].TransferId == credit)
                    {
                        pending.RemoveAt(i);
                        break;
                    }
                }

                break;
        }
    }

    /// <summary>Every account the capture <paramref name="transferId"/> paid has credited it: it is no longer in transit. Idempotent.</summary>
    public bool Settle(string transferId)
    {
        var legs = state.InTransit.Where(l => l.Value.Source == transferId).Select(l => l.Key).ToList();
        legs.ForEach(leg => state.InTransit.Remove(leg));
        return legs.Count > 0;
    }

    /// <summary>Money captured from this account's holds and not yet confirmed as credited elsewhere.</summary>
    public long InTransit(string currency) =>
        state.InTransit.Values.Where(l => l.Amount.Currency == currency).Sum(l => l.Amount.Amount);

    private Error? Check(TransferOrder order, CurrencyBalance balance) => order.Kind switch
    {
        TransferKind.Deposit when balance.Available > long.MaxValue / 2 - order.Amount.Amount =>
            Errors.Invalid("amount_too_large", "amount", "This deposit would take the balance beyond what the account can hold."),
        TransferKind.Hold when state.Holds.ContainsKey(order.HoldKey) => Errors.TransferIdConflict(order.TransferId),
        TransferKind.Hold when balance.Available < order.Amount.Amount => Errors.InsufficientFunds(balance.Available, order.Amount.Amount),
        TransferKind.Capture or TransferKind.Refund when !HoldMatches(order) => Errors.HoldNotFound(order.HoldKey),
        TransferKind.Capture or TransferKind.Debit when order.Legs?.Any(l => l.Amount <= 0) == true || order.Leaving > order.Amount.Amount =>
            Errors.Invalid("invalid_legs", "legs", "A capture or debit sends positive amounts that add up to at most what it takes."),
        TransferKind.Debit when order.Leaving != order.Amount.Amount =>
            Errors.Invalid("invalid_legs", "legs", "A debit sends all it takes."),
        TransferKind.Debit when balance.Pending + balance.Available < order.Amount.Amount =>
            Errors.InsufficientFunds(balance.Pending + balance.Available, order.Amount.Amount),
        TransferKind.Available or TransferKind.Payout or TransferKind.PayoutCompleted or TransferKind.PayoutFailed or TransferKind.PayoutVoided =>
            Errors.Invalid("invalid_kind", "kind", "Pending money and payouts move by the account's own commands and clock, never by a transfer."),
        _ => null,
    };

    private bool HoldMatches(TransferOrder order) =>
        state.Holds.TryGetValue(order.HoldKey, out var hold) && hold.Amount == order.Amount;

    private void Move(TransferOrder order, CurrencyBalance balance, DateTimeOffset now)
    {
        var amount = order.Amount.Amount;
        switch (order.Kind)
        {
            case TransferKind.Deposit:
                balance.Available += amount;
                balance.Deposited += amount;
                break;
            case TransferKind.Hold:
                balance.Available -= amount;
                balance.Held += amount;
                break;
            case TransferKind.Capture:
                balance.Held -= amount;
                balance.Available += amount - order.Leaving;
                SendLegs(order);
                break;
            case TransferKind.Debit:
                var fromPending = TakeFromPending(state.Pending, order.Amount.Currency, amount);
                balance.Pending -= fromPending;
                balance.Available -= amount - fromPending;
                SendLegs(order);
                break;
            case TransferKind.Credit when order.AvailableAt > now:
                balance.Pending += amount;
                state.Pending.Add(new PendingCredit(order.TransferId, order.Amount, order.AvailableAt.Value));
                break;
            case TransferKind.Credit:
                balance.Available += amount;
                break;
            case TransferKind.Refund:
                balance.Held -= amount;
                balance.Available += amount;
                break;
            case TransferKind.Available:
                balance.Pending -= amount;
                balance.Available += amount;
                state.Pending.RemoveAll(p => p.TransferId + "/available" == order.TransferId);
                break;
            case TransferKind.Payout:
                balance.Available -= amount;
                balance.PayingOut += amount;
                break;
            case TransferKind.PayoutCompleted:
                balance.PayingOut -= amount;
                balance.PaidOut += amount;
                break;
            case TransferKind.PayoutFailed or TransferKind.PayoutVoided:
                balance.PayingOut -= amount;
                balance.Available += amount;
                break;
            default:
                throw new InvalidOperationException($"Unknown transfer kind {order.Kind}.");
        }
    }

    private void SendLegs(TransferOrder order)
    {
        foreach (var leg in order.Legs ?? [])
        {
            state.InTransit.Add(leg.TransferId, new InTransitLeg(order.TransferId, leg.Account, new Money(leg.Amount, order.Amount.Currency)));
        }
    }

    /// <summary>
    /// Takes up to <paramref name="amount"/> out of the pending credits in <paramref name="currency"/>, the latest due
    /// first (the money that would wait longest); returns how much it took. The one rule for both the balance and a
    /// replay of the ledger (<see cref="ApplyToPending"/>).
    /// </summary>
    private static long TakeFromPending(List<PendingCredit> pending, string currency, long amount)
    {
        var taken = 0L;
        foreach (var credit in pending.Where(p => p.Amount.Currency == currency)
                     .OrderByDescending(p => p.AvailableAt).ThenByDescending(p => p.TransferId, StringComparer.Ordinal).ToList())
        {
            if (taken == amount)
            {
                break;
            }

            var take = Math.Min(credit.Amount.Amount, amount - taken);
            taken += take;
            var index = pending.IndexOf(credit);
            if (take == credit.Amount.Amount)
            {
                pending.RemoveAt(index);
            }
            else
            {
                pending[index] = credit with { Amount = new Money(credit.Amount.Amount - take, currency) };
            }
        }

        return taken;
    }

    private CurrencyBalance Balance(string currency)
    {
        if (!state.Balances.TryGetValue(currency, out var balance))
        {
            balance = new CurrencyBalance();
            state.Balances.Add(currency, balance);
        }

        return balance;
    }
}
