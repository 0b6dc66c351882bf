using Orleans.Concurrency;
using Milestones.Domain;
using Milestones.Events;

namespace Milestones.Contracts;

/// <summary>
/// One user's escrow account, keyed <c>usr_{userId}</c>. Applies transfers idempotently by transfer id.
/// The transfer methods are for contract grains only; the API never exposes them.
/// </summary>
[Alias("ms.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    [Alias("Deposit")] Task<Outcome<AccountView>> DepositAsync(Caller caller, Deposit deposit, string? idempotencyKey = null);
    [Alias("Get")] Task<Outcome<AccountView>> GetAsync(Caller caller);
    [Alias("GetTransfers")] Task<Outcome<TransferPage>> GetTransfersAsync(Caller caller, long after, int limit);

    /// <summary>The owner or the platform asks to pay out part of the available balance; voided if not completed in time.</summary>
    [Alias("RequestPayout")] Task<Outcome<Payout>> RequestPayoutAsync(Caller caller, PayoutRequest request, string? idempotencyKey = null);

    /// <summary>The platform reports the provider's outcome: <see cref="PayoutStatus.Completed"/> with its reference, or <see cref="PayoutStatus.Failed"/> with a reason.</summary>
    [Alias("ClosePayout")] Task<Outcome<Payout>> ClosePayoutAsync(Caller caller, string payoutId, PayoutStatus outcome, string detail);

    [Alias("GetPayouts")] Task<Outcome<PayoutPage>> GetPayoutsAsync(Caller caller, PayoutStatus? status, long after, int limit);

    /// <summary>
    /// Applies a transfer once by its id. <paramref name="resent"/>: the sender may have sent this id before (it is
    /// finishing a transfer it found open), so the account looks for it in its sealed pages too. A first sending
    /// (right after its intent was stored, in the activation that stored it) skips that read: nobody can have
    /// applied an id before its intent existed, and a line the account applied in this activation is in memory.
    /// <paramref name="outcome"/>: the sender's events that this order's application decides (a transfer of one
    /// order); stored with the account's write if the order is applied now (not replayed, not refused).
    /// </summary>
    [Alias("Apply")] Task<TransferResult> ApplyAsync(TransferOrder order, bool resent, IReadOnlyList<OutboxEvent>? outcome = null);

    /// <summary>
    /// Applies several orders of one transfer to this account together (the credits a capture sends it, such as a
    /// release's two fee legs), as <see cref="ApplyAsync"/> each, in one write.
    /// </summary>
    [Alias("ApplyAll")] Task<List<TransferResult>> ApplyAllAsync(IReadOnlyList<TransferOrder> orders, bool resent);

    /// <summary>
    /// Drops a credited capture from the account's money in transit. One-way: nothing waits for it, because the
    /// ledger check counts a capture the destination has applied there whether or not it was settled.
    /// </summary>
    [OneWay, Alias("Settle")] Task SettleAsync(string transferId);
    [Alias("HasApplied")] Task<bool> HasAppliedAsync(string transferId);
    [Alias("Report")] Task<AccountReport> ReportAsync();
}
