using System.Globalization;
using Milestones.ProfileReport;

// Prints, in Markdown, where the API process's CPU went in a sampling trace (benchmarks/profile.sh), by layer
// (LayerRules) and by leaf method:
//
//   Milestones.ProfileReport TRACE.nettrace [--lifecycles N --cpu-ms MS [--kernel-cpu-ms MS] [--gc-cpu-ms MS]
//                            [--jit-cpu-ms MS]] [--top N]
//
// --cpu-ms is the process's CPU (utime + stime) while N lifecycles ran; each layer then also gets its share of it per
// lifecycle. The other three are the parts of it that the samples do not see: the kernel's (stime), and the user-mode
// CPU of the server GC's threads and of the JIT's background compiler. Each is shown on a row of its own, and the
// samples split the rest.
// A path and a few numbers are read by hand: System.CommandLine would take more lines than it saves here.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0].StartsWith('-'))
{
    return Usage("a trace file first");
}

(string Option, string Row)[] apartOptions =
[
    ("--kernel-cpu-ms", "kernel: system calls (socket I/O, waking threads), from /proc"),
    ("--gc-cpu-ms", "server GC threads, from /proc"),
    ("--jit-cpu-ms", "JIT background compiler, from /proc"),
];
var options = new Dictionary<string, double>();
for (var i = 1; i < args.Length; i += 2)
{
    var known = args[i] is "--lifecycles" or "--cpu-ms" or "--top" || apartOptions.Any(a => a.Option == args[i]);
    if (!known || i + 1 == args.Length || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
    {
        return Usage($"'{args[i]}' with a number after it");
    }

    options[args[i]] = value;
}

var top = (int)options.GetValueOrDefault("--top", 15);
var lifecycles = options.GetValueOrDefault("--lifecycles");
// CPU ms per lifecycle: the rows apart, and what the samples split (when the load is known).
var apart = apartOptions.Select(a => (a.Row, Ms: options.GetValueOrDefault(a.Option) / lifecycles)).Where(a => a.Ms > 0).ToList();
double? sampledMs = lifecycles > 0 && options.TryGetValue("--cpu-ms", out var cpuMs) ? cpuMs / lifecycles - apart.Sum(a => a.Ms) : null;

var profile = Profile.Read(args[0]);
if (profile.CpuSamples == 0)
{
    Console.Error.WriteLine($"{args[0]}: no CPU samples (was the trace taken with the SampleProfiler provider?)");
    return 1;
}

double Share(int samples) => (double)samples / profile.CpuSamples;
string Percent(int samples) => $"{100 * Share(samples):F1}%";
var msColumn = sampledMs is not null;

Console.WriteLine($"{profile.CpuSamples:N0} user-mode CPU samples of {profile.Samples:N0} thread samples ({profile.NativeWorkSamples:N0} "
    + $"of them in zlib or OpenSSL), one per {profile.Interval.TotalMilliseconds:F2} ms of a thread's time: "
    + $"{(profile.CpuSamples * profile.Interval).TotalSeconds:F1} s. The rest were threads waiting or in the kernel.");
Console.WriteLine();
Console.WriteLine($"| layer | CPU samples | % of CPU samples |{(msColumn ? " CPU ms per lifecycle |" : "")}");
Console.WriteLine($"|---|--:|--:|{(msColumn ? "--:|" : "")}");
var layers = LayerRules.Layers.Select(rule => rule.Layer).Where(layer => layer != LayerRules.Skip)
    .Append(LayerRules.RuntimeNative).Append(LayerRules.Other);
foreach (var (layer, samples) in layers.Select(l => (l, profile.ByLayer.GetValueOrDefault(l))).OrderByDescending(l => l.Item2))
{
    Console.WriteLine($"| {layer} | {samples:N0} | {Percent(samples)} |{(msColumn ? $" {sampledMs * Share(samples):F2} |" : "")}");
}

if (msColumn)
{
    foreach (var (row, ms) in apart)
    {
        Console.WriteLine($"| {row} | | | {ms:F2} |");
    }
}

Console.WriteLine($"| **all** | {profile.CpuSamples:N0} | 100% |{(msColumn ? $" {sampledMs + apart.Sum(a => a.Ms):F2} |" : "")}");
Console.WriteLine();
Console.WriteLine($"Top {top} leaf methods (the leaf-most named frame of each CPU sample):");
Console.WriteLine();
Console.WriteLine("| leaf method | layer of the sample | CPU samples | % |");
Console.WriteLine("|---|---|--:|--:|");
foreach (var ((leaf, layer), samples) in profile.ByLeaf.OrderByDescending(l => l.Value).Take(top))
{
    // A compiler-generated name may hold '|', which would end the table's cell.
    Console.WriteLine($"| `{leaf.Replace("|", "\\|", StringComparison.Ordinal)}` | {layer} | {samples:N0} | {Percent(samples)} |");
}

Console.WriteLine();
Console.WriteLine($"Top {top} methods of the product's own (the leaf-most frame in a Milestones namespace, with what it calls of others'):");
Console.WriteLine();
Console.WriteLine("| method | CPU samples | % |");
Console.WriteLine("|---|--:|--:|");
foreach (var (method, samples) in profile.ByOwnMethod.OrderByDescending(m => m.Value).Take(top))
{
    Console.WriteLine($"| `{method.Replace("|", "\\|", StringComparison.Ordinal)}` | {samples:N0} | {Percent(samples)} |");
}

Console.WriteLine();
Console.WriteLine("Under the five methods of the product's own that spend most, the leaf methods that spend most:");
Console.WriteLine();
Console.WriteLine("| method of the product's | leaf method | CPU samples | % |");
Console.WriteLine("|---|---|--:|--:|");
foreach (var (method, _) in profile.ByOwnMethod.OrderByDescending(m => m.Value).Take(5))
{
    foreach (var ((_, leaf), samples) in profile.ByOwnAndLeaf.Where(l => l.Key.Own == method).OrderByDescending(l => l.Value).Take(5))
    {
        Console.WriteLine($"| `{method.Replace("|", "\\|", StringComparison.Ordinal)}` | `{leaf.Replace("|", "\\|", StringComparison.Ordinal)}` | {samples:N0} | {Percent(samples)} |");
    }
}

return 0;

static int Usage(string expected)
{
    Console.Error.WriteLine($"expected {expected}");
    Console.Error.WriteLine("usage: Milestones.ProfileReport TRACE.nettrace [--lifecycles N --cpu-ms MS [--kernel-cpu-ms MS] "
        + "[--gc-cpu-ms MS] [--jit-cpu-ms MS]] [--top N]");
    return 1;
}
