namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.TransferPurpose")]
public enum TransferPurpose
{
    Fund,
    Approve,
    AutoRelease,
    EndRefund,
    EndRelease,
}

/// <summary>
/// A money movement the contract has decided on and saved before calling any account. It names its transfer
/// by a deterministic id, so finishing it again after a crash can never move the money twice. <see cref="Amount"/>
/// is what a release pays (the milestone's amount, or less for a partial release) or the milestone's amount;
/// <see cref="AvailableAt"/> is when a release's money leaves the freelancer's security period, fixed when decided
/// so that finishing it again sends the same credit.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferIntent")]
public sealed record TransferIntent(
    [property: Id(0)] string TransferId,
    [property: Id(1)] TransferPurpose Purpose,
    [property: Id(2)] string MilestoneId,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Message,
    [property: Id(6)] DateTimeOffset? AvailableAt = null)
{
    /// <summary>Release-side purposes move the hold to the freelancer; the others stay on the client's account.</summary>
    public bool PaysFreelancer => Purpose is TransferPurpose.Approve or TransferPurpose.AutoRelease or TransferPurpose.EndRelease;

    public static string IdFor(string contractId, string milestoneId, TransferPurpose purpose) => purpose switch
    {
        TransferPurpose.Fund => $"{contractId}/{milestoneId}/fund",
        TransferPurpose.EndRefund => $"{contractId}/{milestoneId}/refund",
        _ => $"{contractId}/{milestoneId}/release",
    };
}
