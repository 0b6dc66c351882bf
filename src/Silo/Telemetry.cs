using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Milestones.Silo;

/// <summary>
/// OpenTelemetry for every host: our business counters, Orleans' gauges and the runtime's metrics; traces of grain
/// calls (propagated across silos), grain storage and Npgsql; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set (off by default; the standard <c>OTEL_*</c> variables configure it). A host adds its own instrumentation and
/// readers through <paramref name="metrics"/> and <paramref name="tracing"/> (the API: HTTP and Prometheus).
/// </summary>
public static class Telemetry
{
    public const string MilestonesMeter = "Milestones";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string OrleansMeter = "Microsoft.Orleans";
    private const string RuntimeMeter = "System.Runtime";

    public static bool OtlpEnabled(IHostApplicationBuilder builder) => !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);

    /// <summary>A silo host: the common set-up plus trace context carried through grain calls.</summary>
    public static IHostApplicationBuilder AddMilestonesSiloTelemetry(this IHostApplicationBuilder builder)
    {
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        return builder.AddMilestonesTelemetry();
    }

    /// <summary>Registers OpenTelemetry once; the first caller's host-specific parts count (the API calls it before its silo).</summary>
    public static IHostApplicationBuilder AddMilestonesTelemetry(
        this IHostApplicationBuilder builder, Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(Marker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<Marker>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(m =>
            {
                m.AddMeter(MilestonesMeter, OrleansMeter, RuntimeGauges.Meter.Name).AddRuntimeInstrumentation();
                // Orleans' per-message counters and histograms cost about 6% of the CPU at peak funding throughput;
                // its observable gauges are read only when exported.
                m.AddView(i => i.Meter.Name == OrleansMeter && !i.IsObservable ? MetricStreamConfiguration.Drop : null);
                // The runtime makes these two current values monotonic counters (a bug fixed in a later runtime), which
                // Prometheus reads as totals: dropped, and reported again as gauges under the same names.
                m.AddView(i => i.Meter.Name == RuntimeMeter && RuntimeGauges.Names.Contains(i.Name) ? MetricStreamConfiguration.Drop : null);
                metrics?.Invoke(m);
            });
        if (OtlpEnabled(builder))
        {
            // Spans cost CPU on every request and grain call: recorded only when something receives them.
            otel.WithTracing(t =>
            {
                t.AddSource("Microsoft.Orleans.Application", "Microsoft.Orleans.Storage", "Npgsql");
                tracing?.Invoke(t);
            });
            // Every signal: the log entries the console shows go out too.
            otel.UseOtlpExporter();
        }

        return builder;
    }

    private sealed class Marker;
}

/// <summary>The thread pool's thread count and queue length as gauges (see <see cref="Telemetry"/>): what the runtime reports, read when exported.</summary>
internal static class RuntimeGauges
{
    public static readonly System.Diagnostics.Metrics.Meter Meter = new("Milestones.Runtime");

    public static readonly string[] Names = ["dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length"];

    public static readonly System.Diagnostics.Metrics.ObservableGauge<int> Threads = Meter.CreateObservableGauge(
        Names[0], () => ThreadPool.ThreadCount, unit: "{thread}", description: "The number of thread pool threads that currently exist.");

    public static readonly System.Diagnostics.Metrics.ObservableGauge<long> Queued = Meter.CreateObservableGauge(
        Names[1], () => ThreadPool.PendingWorkItemCount, unit: "{work_item}", description: "The number of work items queued to the thread pool.");
}
