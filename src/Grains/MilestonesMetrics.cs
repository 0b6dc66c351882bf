using System.Diagnostics.Metrics;
using Milestones.Domain;

namespace Milestones;

/// <summary>Business counters, exported with the rest of the process's metrics (Prometheus at the API's /metrics).</summary>
internal static class MilestonesMetrics
{
    private static readonly Meter Meter = new("Milestones");

    private static readonly Counter<long> ContractsCreated =
        Meter.CreateCounter<long>("milestones.contracts.created", description: "Contracts created.");

    private static readonly Counter<long> Transfers =
        Meter.CreateCounter<long>("milestones.milestones.transfers", description: "Milestones funded, released, auto-released or refunded.");

    private static readonly Counter<long> MoneyMoved =
        Meter.CreateCounter<long>("milestones.money.moved", unit: "minor units", description: "Money moved into escrow, released or refunded.");

    public static void ContractCreated() => ContractsCreated.Add(1);

    public static void TransferApplied(TransferIntent intent, string currency)
    {
        var purpose = new KeyValuePair<string, object?>("purpose", intent.Purpose.ToString().ToLowerInvariant());
        Transfers.Add(1, purpose);
        MoneyMoved.Add(intent.Amount, purpose, new KeyValuePair<string, object?>("currency", currency));
    }
}
