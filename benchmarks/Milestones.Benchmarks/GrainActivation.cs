using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Runtime;

namespace Milestones.Benchmarks;

/// <summary>
/// Activation time of grains with a long history, on an in-process silo: the history is built untimed through the grain
/// interfaces, the grain is deactivated (<see cref="IManagementGrain.DeactivateGrain"/>, until no activation is left),
/// and the first call of its new activation is timed (the read of its stored state included). Each figure is the median
/// of <see cref="Samples"/> such activations. Accounts get N ledger lines (N deposits); a contract gets 100 milestones,
/// each funded, submitted and approved with an idempotency key (300 remembered keys).
/// </summary>
public static class GrainActivation
{
    private const int Samples = 5;
    private static readonly Caller Platform = new("bench-platform", IsPlatform: true);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string storage, IReadOnlyList<int> ledgerLines, int milestones, string? output)
    {
        await using var cluster = await BenchCluster.StartAsync(storage);
        var run = Guid.NewGuid().ToString("N")[..8];
        await AccountAsync(cluster, $"bench-{run}-warmup", 10); // JIT and first-use costs, not reported
        var figures = new List<ActivationFigure>();
        foreach (var lines in ledgerLines)
        {
            figures.Add(await AccountAsync(cluster, $"bench-{run}-account-{lines}", lines));
            Report(figures[^1]);
        }

        figures.Add(await ContractAsync(cluster, run, milestones));
        Report(figures[^1]);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(figures, Json) + "\n");
        }

        return 0;
    }

    private static async Task<ActivationFigure> AccountAsync(BenchCluster cluster, string userId, int lines)
    {
        var account = cluster.Grains.Account(userId);
        var built = Stopwatch.StartNew();
        await Parallel.ForAsync(0, lines, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
            BenchCluster.Check(await account.DepositAsync(Platform, new Deposit(1, "USD", $"{userId}-{i}"))));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"account with {lines} ledger lines built in {built.Elapsed.TotalSeconds:0.0} s"));
        var owner = new Caller(userId);
        var ms = await FirstCallAsync(cluster, account, async () => BenchCluster.Check(await account.GetAsync(owner)));
        return new ActivationFigure("account", string.Create(CultureInfo.InvariantCulture, $"{lines:#,0} ledger lines"), lines, ms);
    }

    private static async Task<ActivationFigure> ContractAsync(BenchCluster cluster, string run, int milestones)
    {
        var client = new Caller($"bench-{run}-client");
        var freelancer = new Caller($"bench-{run}-freelancer");
        BenchCluster.Check(await cluster.Grains.Account(client.UserId).DepositAsync(Platform, new Deposit(2_000 * milestones, "USD", $"{run}-client")));
        var contract = cluster.Grains.Contract(GrainKeys.NewContractId());
        var due = new DateOnly(2040, 1, 1);
        BenchCluster.Check(await contract.CreateAsync(client,
            new CreateContract("Bench", freelancer.UserId, "USD", Enumerable.Range(1, milestones).Select(i => new NewMilestone($"Part {i}", due, 1_000)).ToArray()),
            CommandOptions.None));
        BenchCluster.Check(await contract.AcceptTermsAsync(client, 1, CommandOptions.None));
        BenchCluster.Check(await contract.AcceptTermsAsync(freelancer, 1, CommandOptions.None));
        var keys = 0;
        CommandOptions Key() => new($"{run}-key-{++keys}");
        for (var i = 1; i <= milestones; i++)
        {
            BenchCluster.Check(await contract.FundMilestoneAsync(client, $"m{i}", Key()));
            BenchCluster.Check(await contract.SubmitWorkAsync(freelancer, new SubmitWork($"m{i}", "Done"), Key()));
            BenchCluster.Check(await contract.ApproveMilestoneAsync(client, new ApproveWork($"m{i}"), Key()));
        }

        var ms = await FirstCallAsync(cluster, contract, async () => BenchCluster.Check(await contract.GetAsync(client)));
        return new ActivationFigure("contract", string.Create(CultureInfo.InvariantCulture, $"{milestones} milestones, each funded, submitted and approved; {keys} idempotency keys"), milestones, ms);
    }

    /// <summary>The median over <see cref="Samples"/> activations of the time of the first call after a deactivation.</summary>
    private static async Task<double> FirstCallAsync(BenchCluster cluster, IAddressable grain, Func<Task> call)
    {
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var reference = (GrainReference)grain;
        var samples = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            await management.DeactivateGrain(reference.GrainId);
            for (var waited = 0; await management.GetGrainActivationCount(reference) > 0; waited++)
            {
                if (waited == 200)
                {
                    throw new InvalidOperationException($"{reference.GrainId} did not deactivate within 10 s.");
                }

                await Task.Delay(50);
            }

            var started = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return Math.Round(samples[Samples / 2], 3);
    }

    private static void Report(ActivationFigure figure) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"activation of {figure.Grain} with {figure.Description}: {figure.FirstCallMs:0.00} ms (median of {Samples})"));
}

/// <summary>One activation figure as written to the output file (read by the load tester's <c>report</c>).</summary>
public sealed record ActivationFigure(string Grain, string Description, long Size, double FirstCallMs);
