using System.Globalization;

namespace Milestones.LoadTest.Results;

/// <summary>
/// <c>--webhook</c>: the deliveries the run's receiver got (repeats included), their rate from the first receipt to the
/// last, their lag in ms (receipt − the event's <c>at</c>), and the deliveries still pending after the drain (null: unknown).
/// </summary>
internal sealed record WebhookResult(long Delivered, double DeliveriesPerSecond, double LagP50Ms, double LagP99Ms, double LagMaxMs, long? PendingAtEnd)
{
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Delivered:#,0} deliveries received ({DeliveriesPerSecond:#,0.#}/s); lag p50 {LagP50Ms:#,0.0} ms, p99 {LagP99Ms:#,0.0} ms, " +
        $"max {LagMaxMs:#,0.0} ms; {(PendingAtEnd is { } p ? p.ToString("#,0", CultureInfo.InvariantCulture) : "?")} pending after the drain");
}
