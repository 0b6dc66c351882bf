using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// The owner of one deposit reference. Not reentrant: two accounts claiming the same reference at once are served
/// one after the other, and the second sees the first's durable claim. A claim is written before it is answered;
/// a failed write takes it back out of memory and reloads, so nothing unstored is ever answered as owned.
/// </summary>
internal sealed class DepositReferenceGrain(
    [PersistentState(StorageLayout.DepositReference, StorageLayout.Storage)] IPersistentState<DepositReferenceRecord> store)
    : Grain, IDepositReferenceGrain
{
    private string Reference => GrainKeys.DepositReferenceOf(this.GetPrimaryKeyString());

    public async Task<Error?> ClaimAsync(DepositClaim claim)
    {
        if (store.State.Claim is { } owner)
        {
            return owner == claim ? null
                : owner.UserId == claim.UserId ? Errors.DepositReferenceConflict(Reference)
                : Errors.DepositReferenceTaken(Reference);
        }

        store.State.Claim = claim;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Claim = null;
            DeactivateOnIdle();
            throw;
        }

        return null;
    }
}

/// <summary>The row of a deposit reference: the claim that owns it, once made.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.DepositReferenceRecord")]
public sealed class DepositReferenceRecord
{
    [Id(0)] public DepositClaim? Claim { get; set; }
}
