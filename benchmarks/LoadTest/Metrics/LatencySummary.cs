namespace Milestones.LoadTest.Metrics;

/// <summary>A histogram's figures in milliseconds, as reported.</summary>
internal sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary From(LatencyHistogram histogram) => new(
        histogram.Count,
        Ms(histogram.MeanNanoseconds),
        Ms(histogram.ValueAtQuantile(0.50)),
        Ms(histogram.ValueAtQuantile(0.95)),
        Ms(histogram.ValueAtQuantile(0.99)),
        Ms(histogram.MaxNanoseconds));

    private static double Ms(double nanoseconds) => Math.Round(nanoseconds / 1e6, 3);
}
