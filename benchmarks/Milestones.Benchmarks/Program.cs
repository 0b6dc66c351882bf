using System.CommandLine;
using System.Globalization;
using BenchmarkDotNet.Running;
using Milestones.Benchmarks;

// `memory`, `activation`, or anything else for BenchmarkDotNet (such as --filter '*Domain*').
var count = new Argument<int>("count") { Description = "contracts to activate", DefaultValueFactory = _ => 100_000 };
var memory = new Command("memory", "Memory per activated contract grain: activate N contracts on memory storage, deactivate them, compare the heap.") { count };
memory.SetAction(p => GrainMemory.RunAsync(p.GetValue(count)));

var storage = new Option<string>("--storage") { Description = "Postgres (from MILESTONES_BENCH_PG), Sqlite or Memory", DefaultValueFactory = _ => "Postgres" };
storage.AcceptOnlyFromAmong("Postgres", "Sqlite", "Memory");
var lines = new Option<int[]>("--ledger-lines")
{
    Description = "accounts to build and activate, by ledger lines (such as 100,10000,100000)",
    DefaultValueFactory = _ => [100, 10_000, 100_000],
    CustomParser = r =>
    {
        var values = r.Tokens.Single().Value.Split(',');
        var parsed = values.Select(v => int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
        if (parsed.Contains(0))
        {
            r.AddError($"--ledger-lines: '{r.Tokens.Single().Value}' is not a list of positive whole numbers such as 100,10000,100000.");
        }

        return parsed;
    },
};
var milestones = new Option<int>("--milestones") { Description = "milestones of the contract (each funded, submitted, approved with a key)", DefaultValueFactory = _ => 100 };
var output = new Option<string?>("--out") { Description = "write the figures to this JSON file", HelpName = "FILE" };
var activation = new Command("activation", "Activation time of an account with N ledger lines and of a contract with many milestones and remembered keys.")
{
    storage, lines, milestones, output,
};
activation.SetAction(p => GrainActivation.RunAsync(p.GetRequiredValue(storage), p.GetRequiredValue(lines), p.GetValue(milestones), p.GetValue(output)));

var root = new RootCommand("Milestones benchmarks: `memory`, `activation`, or BenchmarkDotNet's own arguments (such as --filter '*Domain*').")
{
    memory, activation,
};
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(_ =>
{
    BenchmarkSwitcher.FromAssembly(typeof(DomainBenchmarks).Assembly).Run(args);
    return 0;
});
return await root.Parse(args).InvokeAsync();
