using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Milestones.Contracts;

namespace Milestones.Api.Http;

/// <summary>Contract ids the API hands out: <c>ctr_</c> and 32 hex digits.</summary>
public static partial class ContractIds
{
    /// <summary>
    /// A new id; with an idempotency key, the id is derived from the caller and the key, so a retried
    /// create reaches the same contract grain, which replays its first result.
    /// </summary>
    public static string New(string userId, string? idempotencyKey) => idempotencyKey is null
        ? GrainKeys.NewContractId()
        : GrainKeys.ContractPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{idempotencyKey}")))[..32];

    /// <summary>Anything else cannot be a contract: not found, without waking a grain.</summary>
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^ctr_[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
