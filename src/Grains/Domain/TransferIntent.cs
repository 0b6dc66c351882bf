namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.TransferPurpose")]
public enum TransferPurpose
{
    Fund,
    Approve,
    AutoRelease,
    EndRefund,
    EndRelease,
    Bonus,

    /// <summary>The freelancer returns money a release paid it.</summary>
    Refund,
}

/// <summary>
/// A money movement the contract has decided on and saved before calling any account. It names its transfer
/// by a deterministic id, so finishing it again after a crash can never move the money twice. <see cref="Subject"/>
/// is the milestone it moves (or the bonus or refund it makes); <see cref="Amount"/> is what a release pays (the
/// milestone's amount, or less for a partial release), the milestone's amount, or the bonus or refund;
/// <see cref="AvailableAt"/> is when a release's money leaves the freelancer's security period, fixed when decided
/// so that finishing it again sends the same credit.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferIntent")]
public sealed record TransferIntent(
    [property: Id(0)] string TransferId,
    [property: Id(1)] TransferPurpose Purpose,
    [property: Id(2)] string Subject,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Message,
    [property: Id(6)] DateTimeOffset? AvailableAt = null)
{
    /// <summary>Release-side purposes move the hold to the freelancer; the others stay on the client's account.</summary>
    public bool PaysFreelancer => Purpose is TransferPurpose.Approve or TransferPurpose.AutoRelease or TransferPurpose.EndRelease or TransferPurpose.Bonus;

    /// <summary>What a transfer's id ends with when it moves a fee: the service fee's and the client fee's legs.</summary>
    public const string ServiceFeeLeg = "/service-fee", ClientFeeLeg = "/client-fee";

    private const string BonusPart = "/bonus/", ReturnPart = "/return/";

    public static string IdFor(string contractId, string subject, TransferPurpose purpose) => purpose switch
    {
        TransferPurpose.Fund => $"{contractId}/{subject}/fund",
        TransferPurpose.EndRefund => $"{contractId}/{subject}/refund",
        TransferPurpose.Bonus => $"{contractId}{BonusPart}{subject}",
        TransferPurpose.Refund => $"{contractId}{ReturnPart}{subject}",
        _ => $"{contractId}/{subject}/release",
    };

    /// <summary>What a statement reports a ledger line of this order as (<see cref="IdFor"/> and the fee legs say what paid it).</summary>
    public static StatementCategory CategoryOf(TransferOrder order)
    {
        var id = order.TransferId;
        var fee = id.EndsWith(ServiceFeeLeg, StringComparison.Ordinal) || id.EndsWith(ClientFeeLeg, StringComparison.Ordinal);
        var bonus = id.Contains(BonusPart, StringComparison.Ordinal);
        var returned = id.Contains(ReturnPart, StringComparison.Ordinal);
        return order.Kind switch
        {
            TransferKind.Deposit => StatementCategory.Deposit,
            TransferKind.Hold => StatementCategory.Hold,
            TransferKind.Capture => StatementCategory.Release,
            TransferKind.Refund => StatementCategory.HoldReturned,
            TransferKind.Credit when returned => StatementCategory.Refund,
            TransferKind.Credit when fee => StatementCategory.Fee,
            TransferKind.Credit => bonus ? StatementCategory.Bonus : StatementCategory.Earning,
            TransferKind.Debit when fee => StatementCategory.FeeReturned,
            TransferKind.Debit => bonus ? StatementCategory.Bonus : StatementCategory.Refund,
            TransferKind.Available => StatementCategory.Available,
            TransferKind.Payout => StatementCategory.Payout,
            TransferKind.PayoutCompleted => StatementCategory.PayoutCompleted,
            TransferKind.PayoutFailed => StatementCategory.PayoutFailed,
            TransferKind.PayoutVoided => StatementCategory.PayoutVoided,
            _ => throw new ArgumentOutOfRangeException(nameof(order), order.Kind, "A transfer kind without a statement category."),
        };
    }
}
