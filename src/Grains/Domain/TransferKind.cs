namespace Milestones.Domain;

/// <summary>
/// How a transfer touches one account. A release touches several: <see cref="Capture"/> on the client's account (the
/// hold leaves; what goes elsewhere stays "in transit" until settled) and a <see cref="Credit"/> on each account
/// it pays (the freelancer's, pending for the security period, and the platform's fee account).
/// </summary>
[GenerateSerializer, Alias("ms.TransferKind")]
public enum TransferKind
{
    Deposit,
    Hold,
    Capture,
    Credit,
    Refund,

    /// <summary>Money sent from the balance rather than a hold (a bonus, a refund after release): pending first, then available, to its legs.</summary>
    Debit,

    /// <summary>A pending credit whose security period has ended: pending → available.</summary>
    Available,

    /// <summary>A payout asked for: available → paying out.</summary>
    Payout,

    /// <summary>The provider paid it: paying out → out of the system (paid out).</summary>
    PayoutCompleted,

    /// <summary>The provider could not pay it: paying out → available.</summary>
    PayoutFailed,

    /// <summary>Not completed in time: paying out → available. A timeout never pays.</summary>
    PayoutVoided,
}
