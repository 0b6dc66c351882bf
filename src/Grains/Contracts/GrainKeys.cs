using System.Security.Cryptography;
using System.Text;

namespace Milestones.Contracts;

/// <summary>
/// Grain keys carry a non-hex prefix that names their kind (<c>usr_</c>, <c>ctr_</c>, <c>dep_</c>): keys of
/// different kinds never collide, and no key parses as a hexadecimal number (which some Orleans tables hash
/// differently from a string).
/// </summary>
public static class GrainKeys
{
    public const string UserPrefix = "usr_";
    public const string ContractPrefix = "ctr_";
    public const string DepositReferencePrefix = "dep_";
    public const string FeeAccountPrefix = "fee_";

    public static string User(string userId) => UserPrefix + userId;

    /// <summary>The key of the platform's fee account for <paramref name="currency"/>: an account grain no user id can name.</summary>
    public static string FeeAccount(string currency) => FeeAccountPrefix + currency;

    public static bool IsFeeAccount(string accountKey) => accountKey.StartsWith(FeeAccountPrefix, StringComparison.Ordinal);

    public static string UserIdOf(string userKey) =>
        userKey.StartsWith(UserPrefix, StringComparison.Ordinal) ? userKey[UserPrefix.Length..] : userKey;

    public static string DepositReferenceOf(string key) =>
        key.StartsWith(DepositReferencePrefix, StringComparison.Ordinal) ? key[DepositReferencePrefix.Length..] : key;

    public const string WebhookPrefix = "wh_";

    public static string NewContractId() => ContractPrefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The id of a grain a command creates: <paramref name="prefix"/> and 32 hex digits, new each time; with an
    /// idempotency key, derived from the caller and the key, so a retried create reaches the same grain, which
    /// replays its first answer.
    /// </summary>
    public static string Created(string prefix, string userId, string? idempotencyKey) => idempotencyKey is null
        ? prefix + Guid.NewGuid().ToString("N")
        : prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{idempotencyKey}")))[..32];

    public static IContractGrain Contract(this IGrainFactory grains, string contractId) => Reference<IContractGrain>.Get(grains, contractId);

    public static IAccountGrain Account(this IGrainFactory grains, string userId) => Reference<IAccountGrain>.Get(grains, User(userId));

    /// <summary>The account grain keyed <paramref name="accountKey"/> (a user's <see cref="User"/> key or a <see cref="FeeAccount"/>).</summary>
    public static IAccountGrain AccountByKey(this IGrainFactory grains, string accountKey) => Reference<IAccountGrain>.Get(grains, accountKey);

    public static IUserContractsGrain UserContracts(this IGrainFactory grains) => grains.GetGrain<IUserContractsGrain>(0);

    public static IDepositReferenceGrain DepositReference(this IGrainFactory grains, string reference) =>
        grains.GetGrain<IDepositReferenceGrain>(DepositReferencePrefix + reference);

    public static ILedgerGrain Ledger(this IGrainFactory grains) => grains.GetGrain<ILedgerGrain>("ledger");

    public static IHaltedContractsGrain HaltedContracts(this IGrainFactory grains) => grains.GetGrain<IHaltedContractsGrain>("halted");

    /// <summary>
    /// References on the hot paths. <c>GetGrain&lt;T&gt;(string)</c> reads the interface's attributes on every call
    /// (~2% of the API's CPU under load); the grain type and interface type of the first reference are kept instead.
    /// </summary>
    private static class Reference<T> where T : IGrainWithStringKey
    {
        // A reference, so that it is published whole: every thread sees either nothing or both types.
        private static Types? known;

        public static T Get(IGrainFactory grains, string key)
        {
            if (known is { } types)
            {
                return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
            }

            var reference = grains.GetGrain<T>(key);
            var resolved = (GrainReference)(object)reference;
            known = new Types(resolved.GrainId.Type, resolved.InterfaceType);
            return reference;
        }
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);
}
