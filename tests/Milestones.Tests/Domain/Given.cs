using Milestones.Domain;

namespace Milestones.Tests.Domain;

/// <summary>The fixed people, times and amounts the domain tests share. Nothing here reads the clock.</summary>
internal static class Given
{
    public const string ContractId = "c1";
    public const string Usd = "USD";

    /// <summary>"Now" for every command unless a test moves time on explicitly.</summary>
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A due date safely after <see cref="Now"/>.</summary>
    public static readonly DateOnly Due = new(2030, 3, 1);

    public static readonly Caller Client = new("client-1");
    public static readonly Caller Freelancer = new("freelancer-1");
    public static readonly Caller Platform = new("ops-1", IsPlatform: true);
    public static readonly Caller Stranger = new("stranger-1");

    /// <summary>The amounts of m1, m2, m3 in a default contract: distinct, so a test can tell them apart.</summary>
    public static readonly long[] Amounts = [10_000, 20_000, 30_000];

    public static Caller Caller(string role) => role switch
    {
        "client" => Client,
        "freelancer" => Freelancer,
        "platform" => Platform,
        "stranger" => Stranger,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
