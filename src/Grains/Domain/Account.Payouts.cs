namespace Milestones.Domain;

// Payouts: available → paying out on request; then completed (out of the system), failed or voided by timeout (back).
public sealed partial class Account
{
    /// <summary>Asks <paramref name="amount"/> out of the available balance as payout <paramref name="id"/>, voided if not completed by <paramref name="now"/> + <paramref name="timeout"/>.</summary>
    public (Payout? Payout, Error? Error) RequestPayout(string id, Money amount, DateTimeOffset now, TimeSpan timeout)
    {
        if (amount.Amount <= 0)
        {
            return (null, Errors.Invalid("invalid_amount", "amount", "A payout must be a positive integer in minor units."));
        }

        var available = state.Balances.GetValueOrDefault(amount.Currency)?.Available ?? 0;
        if (available < amount.Amount)
        {
            return (null, Errors.InsufficientFunds(available, amount.Amount));
        }

        var payout = new Payout(id, state.Payouts.Count + 1, amount.Amount, amount.Currency, PayoutStatus.Pending, now, now + timeout);
        Record(new TransferOrder(payout.TransferId(), TransferKind.Payout, amount), now);
        state.Payouts.Add(payout);
        return (payout, null);
    }

    /// <summary>
    /// The provider's outcome for a pending payout: <see cref="PayoutStatus.Completed"/> with its reference, or
    /// <see cref="PayoutStatus.Failed"/> with a reason. The same outcome again is a replay; any other on a closed payout is refused.
    /// </summary>
    public (Payout? Payout, Error? Error, bool Replayed) ClosePayout(string id, PayoutStatus outcome, string detail, DateTimeOffset now)
    {
        var index = state.Payouts.FindIndex(p => p.Id == id);
        if (index < 0)
        {
            return (null, Errors.PayoutNotFound(id), false);
        }

        var payout = state.Payouts[index];
        if (payout.Status == outcome && (outcome == PayoutStatus.Completed ? payout.Reference : payout.Reason) == detail)
        {
            return (payout, null, true);
        }

        if (payout.Status != PayoutStatus.Pending)
        {
            return (null, Errors.PayoutNotPending(id, payout.Status), false);
        }

        var closed = outcome == PayoutStatus.Completed
            ? Close(index, PayoutStatus.Completed, TransferKind.PayoutCompleted, "complete", now) with { Reference = detail }
            : Close(index, PayoutStatus.Failed, TransferKind.PayoutFailed, "fail", now) with { Reason = detail };
        state.Payouts[index] = closed;
        return (closed, null, false);
    }

    /// <summary>Voids every pending payout whose expiry has come: a timeout never pays.</summary>
    private bool VoidExpiredPayouts(DateTimeOffset now)
    {
        var voided = false;
        for (var i = 0; i < state.Payouts.Count; i++)
        {
            if (state.Payouts[i] is { Status: PayoutStatus.Pending } payout && payout.ExpiresAt <= now)
            {
                state.Payouts[i] = Close(i, PayoutStatus.Voided, TransferKind.PayoutVoided, "void", now) with { Reason = "timeout" };
                voided = true;
            }
        }

        return voided;
    }

    private Payout Close(int index, PayoutStatus status, TransferKind kind, string step, DateTimeOffset now)
    {
        var payout = state.Payouts[index];
        Record(new TransferOrder(payout.TransferId(step), kind, new Money(payout.Amount, payout.Currency)), now);
        return payout with { Status = status, ClosedAt = now };
    }
}
