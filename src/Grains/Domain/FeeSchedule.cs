namespace Milestones.Domain;

/// <summary>
/// The platform's fees in basis points (1/100 of a percent): the freelancer's service fee, deducted from what a
/// release or bonus pays, and the client's marketplace fee, paid on top of what is released. Pinned on a contract
/// when it becomes active, so a later change of configuration never re-prices it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.FeeSchedule")]
public sealed record FeeSchedule(
    [property: Id(0)] int FreelancerServiceFeeBps,
    [property: Id(1)] int ClientFeeBps)
{
    /// <summary>The largest fee in basis points: half of the amount (rounded, so all of a single minor unit).</summary>
    public const int MaxBps = 5000;

    public static readonly FeeSchedule Default = new(1000, 300);

    /// <summary>No fees: the schedule of a contract that became active before fees existed (its holds carry none).</summary>
    public static readonly FeeSchedule None = new(0, 0);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> Texts = new();

    public long ServiceFee(long amount) => Of(amount, FreelancerServiceFeeBps);

    /// <summary>A rate as event data: one shared string per rate, not one per contract that records it.</summary>
    public static string Text(int bps) => Texts.GetOrAdd(bps, b => b.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public long ClientFee(long amount) => Of(amount, ClientFeeBps);

    /// <summary>
    /// <paramref name="bps"/> of a non-negative amount in minor units, rounded half away from zero to the minor
    /// unit (computed in 128 bits: amount × bps never overflows).
    /// </summary>
    public static long Of(long amount, int bps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfNegative(bps);
        return (long)((((Int128)amount * bps) + 5000) / 10000);
    }
}
