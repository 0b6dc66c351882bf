using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>
/// One payment-provider reference, keyed <c>dep_{reference}</c>: the account it was first claimed for, so a reference
/// credits one account across all accounts. Called only by account grains, and calls nobody.
/// </summary>
[Alias("ms.IDepositReferenceGrain")]
public interface IDepositReferenceGrain : IGrainWithStringKey
{
    /// <summary>Durable when it answers null: the reference belongs to this claim's account (now or before). Otherwise the refusal.</summary>
    [Alias("Claim")] Task<Error?> ClaimAsync(DepositClaim claim);
}

/// <summary>Which account a deposit reference credits, and with what.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.DepositClaim")]
public sealed record DepositClaim(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Currency);
