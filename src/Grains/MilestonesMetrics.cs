using System.Diagnostics.Metrics;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// Business counters (meter <c>Milestones</c>), exported by OpenTelemetry with the rest of the process's metrics: at
/// the API's <c>/metrics</c> as <c>milestones_contracts_created_total</c>, <c>milestones_transfers_total</c>,
/// <c>milestones_money_moved_total</c> and <c>milestones_webhook_attempts_total</c> (units in curly braces are
/// annotations, left out of Prometheus names).
/// </summary>
internal static class MilestonesMetrics
{
    private static readonly Meter Meter = new("Milestones");

    private static readonly Counter<long> ContractsCreated =
        Meter.CreateCounter<long>("milestones.contracts.created", unit: "{contract}", description: "Contracts created.");

    private static readonly Counter<long> Transfers = Meter.CreateCounter<long>("milestones.transfers", unit: "{transfer}",
        description: "Milestones funded, released, auto-released or refunded, bonuses, deposits and completed payouts.");

    private static readonly Counter<long> MoneyMoved = Meter.CreateCounter<long>("milestones.money.moved", unit: "{minor_unit}",
        description: "Money moved into escrow, released or refunded, and into the system (deposits) and out of it (payouts).");

    private static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("milestones.webhook.attempts", unit: "{attempt}",
        description: "Attempts to deliver an event to a webhook endpoint, by result: delivered (a 2xx answer) or failed.");

    public static void ContractCreated() => ContractsCreated.Add(1);

    public static void WebhookAttempted(bool delivered) =>
        WebhookAttempts.Add(1, new KeyValuePair<string, object?>("result", delivered ? "delivered" : "failed"));

    public static void TransferApplied(TransferIntent intent, string currency) =>
        Moved(intent.Purpose.ToString().ToLowerInvariant(), new Money(intent.Amount, currency));

    /// <summary>A deposit recorded, or a payout the provider completed (<paramref name="purpose"/> <c>deposit</c>, <c>payout</c>).</summary>
    public static void Moved(string purpose, Money amount)
    {
        var tag = new KeyValuePair<string, object?>("purpose", purpose);
        Transfers.Add(1, tag);
        MoneyMoved.Add(amount.Amount, tag, new KeyValuePair<string, object?>("currency", amount.Currency));
    }
}
