using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// The account view, now or as it was right after a given ledger line. Both are built by one projection from the
/// balances, holds and pending credits (each in a stable order), so a deposit's replay answers exactly what its first
/// answer said.
/// </summary>
internal static class AccountViews
{
    public static AccountView Current(string userId, AccountState state) =>
        Project(userId, state.Balances.Select(b => (b.Key, b.Value.Available, b.Value.Held, b.Value.Pending, b.Value.PayingOut)), state.Holds.Values, state.Pending);

    /// <summary>The view as it was right after the last of <paramref name="upToIt"/>, every line from the first (each carries the balances it left).</summary>
    public static AccountView AsOf(string userId, IEnumerable<LedgerEntry> upToIt)
    {
        var balances = new Dictionary<string, (long Available, long Held, long Pending, long PayingOut)>(StringComparer.Ordinal);
        var holds = new Dictionary<string, Hold>(StringComparer.Ordinal);
        var pending = new List<PendingCredit>();
        foreach (var entry in upToIt)
        {
            balances[entry.Order.Amount.Currency] = (entry.AvailableAfter, entry.HeldAfter, entry.PendingAfter, entry.PayingOutAfter);
            Account.ApplyToHolds(holds, entry);
            Account.ApplyToPending(pending, entry);
        }

        return Project(userId, balances.Select(b => (b.Key, b.Value.Available, b.Value.Held, b.Value.Pending, b.Value.PayingOut)), holds.Values, pending);
    }

    private static AccountView Project(
        string userId, IEnumerable<(string Currency, long Available, long Held, long Pending, long PayingOut)> balances, IEnumerable<Hold> holds, IEnumerable<PendingCredit> pending)
    {
        var orderedHolds = holds
            .OrderBy(h => h.At).ThenBy(h => h.ContractId, StringComparer.Ordinal).ThenBy(h => h.MilestoneId, StringComparer.Ordinal)
            .ToList();
        var orderedPending = pending.OrderBy(p => p.AvailableAt).ThenBy(p => p.TransferId, StringComparer.Ordinal).ToList();
        return new AccountView(userId, balances
            .OrderBy(b => b.Currency, StringComparer.Ordinal)
            .Select(b => new BalanceView(b.Currency, b.Available, b.Held, orderedHolds
                .Where(h => h.Amount.Currency == b.Currency)
                .Select(h => new HoldView(h.ContractId, h.MilestoneId, h.Amount.Amount, h.At))
                .ToList(),
                b.Pending,
                orderedPending
                .Where(p => p.Amount.Currency == b.Currency)
                .Select(p => new PendingReleaseView(p.TransferId, p.Amount.Amount, p.AvailableAt))
                .ToList(),
                b.PayingOut))
            .ToList());
    }
}
