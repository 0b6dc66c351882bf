using System.Numerics;

namespace Milestones.LoadTest.Metrics;

/// <summary>
/// A log-linear latency histogram in nanoseconds (HdrHistogram's layout, written small): values below 256 ns have a
/// bucket each; above, every power of two is split into 128 equal buckets, so a bucket is at most 1/128 of its lower
/// bound wide and its midpoint is within 0.4% of any value in it. 3 968 buckets cover 0 ns to 137 s; larger values are
/// counted in the last bucket (max stays exact). Recording is lock-free (<see cref="Interlocked"/>), so one worker can
/// record while the progress display reads; histograms of several workers merge by adding buckets.
/// </summary>
internal sealed class LatencyHistogram
{
    public const long MaxTrackableNanoseconds = (1L << 37) - 1;
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int ExactBuckets = 2 * SubBuckets;
    private const int MaxExponent = 36;
    private const int BucketCount = ExactBuckets + ((MaxExponent - SubBucketBits) * SubBuckets);

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Volatile.Read(ref _count);

    public long MaxNanoseconds => Volatile.Read(ref _max);

    public double MeanNanoseconds => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        Interlocked.Increment(ref _buckets[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        RaiseTo(ref _max, value);
        LowerTo(ref _min, value);
    }

    /// <summary>Adds the other histogram's recordings to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            var n = Volatile.Read(ref other._buckets[i]);
            if (n != 0)
            {
                Interlocked.Add(ref _buckets[i], n);
            }
        }

        Interlocked.Add(ref _count, Volatile.Read(ref other._count));
        Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
        RaiseTo(ref _max, Volatile.Read(ref other._max));
        LowerTo(ref _min, Volatile.Read(ref other._min));
    }

    /// <summary>The nearest-rank value at quantile <paramref name="q"/> (0..1), within 0.4% of the exact one; 0 when empty.</summary>
    public long ValueAtQuantile(double q)
    {
        var total = 0L;
        for (var i = 0; i < BucketCount; i++)
        {
            total += Volatile.Read(ref _buckets[i]);
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Clamp((long)Math.Ceiling(Math.Clamp(q, 0, 1) * total), 1, total);
        var seen = 0L;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Volatile.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return Math.Clamp(MidpointOf(i), Volatile.Read(ref _min), Volatile.Read(ref _max));
            }
        }

        return MaxNanoseconds;
    }

    private static int IndexOf(long value)
    {
        var v = Math.Min(value, MaxTrackableNanoseconds);
        if (v < ExactBuckets)
        {
            return (int)v;
        }

        var exponent = BitOperations.Log2((ulong)v);
        var shift = exponent - SubBucketBits;
        var sub = (int)(v >> shift);
        return ExactBuckets + ((exponent - SubBucketBits - 1) * SubBuckets) + (sub - SubBuckets);
    }

    private static long MidpointOf(int index)
    {
        if (index < ExactBuckets)
        {
            return index;
        }

        var j = index - ExactBuckets;
        var shift = (j / SubBuckets) + 1;
        var low = (long)(SubBuckets + (j % SubBuckets)) << shift;
        return low + ((1L << shift) / 2);
    }

    private static void RaiseTo(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static void LowerTo(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
