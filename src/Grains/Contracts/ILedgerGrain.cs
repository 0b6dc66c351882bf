using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>Checks the money invariant over every account (platform only).</summary>
[Alias("ms.ILedgerGrain")]
public interface ILedgerGrain : IGrainWithStringKey
{
    [Alias("Verify")] Task<Outcome<LedgerReport>> VerifyAsync(Caller caller);
}

/// <summary>
/// One of a fixed number of registries of account grain keys (users' and fee accounts). An account registers once, before it first holds
/// money, so the ledger check can visit every account without any per-transfer call to a shared grain.
/// </summary>
[Alias("ms.IAccountRegistryGrain")]
public interface IAccountRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Register")] Task RegisterAsync(string accountKey);
    [Alias("List")] Task<IReadOnlyList<string>> ListAsync();
}
