using HdrHistogram;

namespace Milestones.LoadTest.Metrics;

/// <summary>A histogram's figures in milliseconds, as reported.</summary>
internal sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetMean()),
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetMaxValue()));

    private static double Ms(double nanoseconds) => Math.Round(nanoseconds / 1e6, 3);
}
