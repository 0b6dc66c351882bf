namespace Milestones.Contracts;

/// <summary>
/// Grain keys carry a non-hex prefix: Orleans' ADO.NET storage hashes string keys, and a key that parses as
/// hexadecimal can collide with a shorter one.
/// </summary>
public static class GrainKeys
{
    public const string UserPrefix = "usr_";
    public const string ContractPrefix = "ctr_";

    public static string User(string userId) => UserPrefix + userId;

    public static string UserIdOf(string userKey) =>
        userKey.StartsWith(UserPrefix, StringComparison.Ordinal) ? userKey[UserPrefix.Length..] : userKey;

    public static string NewContractId() => ContractPrefix + Guid.NewGuid().ToString("N");

    public static IContractGrain Contract(this IGrainFactory grains, string contractId) => grains.GetGrain<IContractGrain>(contractId);

    public static IAccountGrain Account(this IGrainFactory grains, string userId) => grains.GetGrain<IAccountGrain>(User(userId));

    public static IUserContractsGrain UserContracts(this IGrainFactory grains, string userId) => grains.GetGrain<IUserContractsGrain>(User(userId));

    public static ILedgerGrain Ledger(this IGrainFactory grains) => grains.GetGrain<ILedgerGrain>("ledger");
}
