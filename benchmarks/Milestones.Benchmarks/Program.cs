using BenchmarkDotNet.Running;
using Milestones.Benchmarks;

// `memory N` measures the memory of N activated contract grains; anything else goes to BenchmarkDotNet.
return args is ["memory", ..]
    ? await GrainMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000)
    : Run(args);

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(DomainBenchmarks).Assembly).Run(args);
    return 0;
}
