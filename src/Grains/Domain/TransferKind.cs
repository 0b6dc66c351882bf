namespace Milestones.Domain;

/// <summary>
/// How a transfer touches one account. A release touches two: <see cref="Capture"/> on the client's account
/// (the hold leaves, and stays "in transit" until settled) and <see cref="Credit"/> on the freelancer's.
/// </summary>
[GenerateSerializer, Alias("ms.TransferKind")]
public enum TransferKind
{
    Deposit,
    Hold,
    Capture,
    Credit,
    Refund,
}
