using System.Text.RegularExpressions;
using Milestones.Contracts;

namespace Milestones.Api.Http;

/// <summary>Contract ids the API hands out: <c>ctr_</c> and 32 hex digits.</summary>
public static partial class ContractIds
{
    /// <summary>A new id; with an idempotency key, derived from the caller and the key (<see cref="GrainKeys.Created"/>).</summary>
    public static string New(string userId, string? idempotencyKey) => GrainKeys.Created(GrainKeys.ContractPrefix, userId, idempotencyKey);

    /// <summary>Anything else cannot be a contract: not found, without waking a grain.</summary>
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^ctr_[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
