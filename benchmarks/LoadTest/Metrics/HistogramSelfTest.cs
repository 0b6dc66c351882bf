using System.Globalization;

namespace Milestones.LoadTest.Metrics;

/// <summary>
/// <c>--self-test</c>: records random latencies (several shapes, 10 µs to 60 s) into per-worker histograms on parallel
/// threads, merges them, and checks count, mean, max and the p0/p50/p90/p95/p99/p99.9/p100 values against the exact
/// nearest-rank values of the sorted data (at most 1% relative error).
/// </summary>
internal static class HistogramSelfTest
{
    private const double Tolerance = 0.01;
    private static readonly double[] Quantiles = [0, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

    public static int Run(TextWriter output)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"histogram self-test, seed {seed}");
        var cases = new (string Name, int Count, Func<Random, long> Next)[]
        {
            ("log-uniform 10us..60s", 200_000, r => (long)Math.Exp(Math.Log(10e3) + (r.NextDouble() * (Math.Log(60e9) - Math.Log(10e3))))),
            ("log-normal around 2ms", 100_000, r => (long)(2e6 * Math.Exp(0.8 * Gaussian(r)))),
            ("bimodal 1ms / 200ms", 100_000, r => (long)((r.NextDouble() < 0.95 ? 1e6 : 200e6) * (0.9 + (0.2 * r.NextDouble())))),
            ("constant 5ms", 1_000, _ => 5_000_000),
            ("sub-microsecond", 10_000, r => r.Next(0, 1000)),
            ("one value", 1, r => r.Next(10_000, 100_000_000)),
            ("three values", 3, r => r.Next(10_000, 100_000_000)),
        };

        var failures = cases.Sum(c => Check(c.Name, Enumerable.Range(0, c.Count).Select(_ => c.Next(random)).ToArray(), output));
        output.WriteLine(failures == 0 ? "self-test passed" : $"self-test FAILED: {failures} check(s)");
        return failures == 0 ? 0 : 1;
    }

    private static int Check(string name, long[] values, TextWriter output)
    {
        const int workers = 8;
        var parts = Enumerable.Range(0, workers).Select(_ => new LatencyHistogram()).ToArray();
        Parallel.For(0, workers, w =>
        {
            for (var i = w; i < values.Length; i += workers)
            {
                parts[w].Record(values[i]);
            }
        });
        var merged = new LatencyHistogram();
        foreach (var part in parts)
        {
            merged.Add(part);
        }

        Array.Sort(values);
        var failures = 0;
        var worst = 0.0;
        void Expect(string what, double actual, double exact)
        {
            var error = exact == 0 ? Math.Abs(actual) : Math.Abs(actual - exact) / exact;
            worst = Math.Max(worst, error);
            if (error > Tolerance)
            {
                failures++;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  FAIL {name}: {what} = {actual:0.###} ns, exact {exact:0.###} ns ({error:P2})"));
            }
        }

        Expect("count", merged.Count, values.Length);
        Expect("mean", merged.MeanNanoseconds, values.Average(v => (double)v));
        Expect("max", merged.MaxNanoseconds, values[^1]);
        foreach (var q in Quantiles)
        {
            var rank = Math.Max(1, (long)Math.Ceiling(q * values.Length));
            Expect($"p{q * 100:0.#}", merged.ValueAtQuantile(q), values[rank - 1]);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(failures == 0 ? "ok  " : "FAIL")} {name} ({values.Length} values, worst relative error {worst:P3})"));
        return failures;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
