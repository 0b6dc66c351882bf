namespace Milestones.Domain;

/// <summary>
/// What a ledger line is, as a finance team reconciles it against its payment provider (a statement's reporting
/// category; <see cref="TransferIntent.CategoryOf"/>). Names are part of the public API: never rename one.
/// </summary>
public enum StatementCategory
{
    /// <summary>Money the payment provider captured, credited to the account.</summary>
    Deposit,

    /// <summary>Available money put in escrow for a milestone.</summary>
    Hold,

    /// <summary>Escrow released: the hold leaves for the freelancer and the fees (any part not released returns).</summary>
    Release,

    /// <summary>Escrow returned to the client's available balance (a contract ended with its held money refunded).</summary>
    HoldReturned,

    /// <summary>A release's pay, credited to the freelancer (pending for the security period).</summary>
    Earning,

    /// <summary>A bonus: paid by the client, credited to the freelancer.</summary>
    Bonus,

    /// <summary>Money a freelancer returns after release: debited from the freelancer, credited to the client.</summary>
    Refund,

    /// <summary>A service or client fee credited to the platform's fee account.</summary>
    Fee,

    /// <summary>The service fee on a refund, returned from the fee account to the client.</summary>
    FeeReturned,

    /// <summary>A pending credit whose security period ended: pending to available.</summary>
    Available,

    /// <summary>A payout asked for: available to paying out.</summary>
    Payout,

    /// <summary>The provider paid it: the money leaves the system.</summary>
    PayoutCompleted,

    /// <summary>The provider could not pay it: back to available.</summary>
    PayoutFailed,

    /// <summary>Not completed in time: back to available.</summary>
    PayoutVoided,
}
