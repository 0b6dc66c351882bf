using System.Diagnostics;
using System.Globalization;
using System.Text;
using Milestones.LoadTest.Http;

namespace Milestones.LoadTest.Running;

/// <summary>
/// CPU seconds used so far by the server (the runtime's <c>dotnet_process_cpu_time_seconds_total</c>, user and system,
/// from its <c>/metrics</c>, read as the platform; none if it has no such endpoint, as the baseline) and by this
/// process (the load generator and, with <c>--webhook</c>, the receiver). Read around a measured phase, they say what
/// one operation costs each side on a machine they share.
/// </summary>
internal sealed class CpuMeter(ApiClient client, Party platform)
{
    private const string ServerCpu = "dotnet_process_cpu_time_seconds_total";

    public async Task<CpuReading> ReadAsync(CancellationToken cancellation)
    {
        var server = await client.SendAsync(HttpMethod.Get, "/metrics", platform.Authorization, null, null, readBody: true, cancellation);
        double? seconds = null;
        foreach (var line in server.Ok && server.Body is { } body ? Encoding.UTF8.GetString(body).Split('\n') : [])
        {
            if (line.StartsWith(ServerCpu + "{", StringComparison.Ordinal)
                && double.TryParse(line.AsSpan(line.LastIndexOf(' ') + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                seconds = (seconds ?? 0) + value;
            }
        }

        return new CpuReading(seconds, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    }
}

/// <summary>CPU seconds used so far: the server's (null if unknown) and this process's.</summary>
internal sealed record CpuReading(double? ServerSeconds, double LoadTesterSeconds)
{
    /// <summary>Milliseconds of CPU per operation between <paramref name="before"/> and this reading (server, load tester).</summary>
    public (double? Server, double LoadTester) PerOperation(CpuReading before, long operations) => operations <= 0
        ? (null, 0)
        : (ServerSeconds - before.ServerSeconds is { } server ? Math.Round(server * 1000 / operations, 3) : null,
            Math.Round((LoadTesterSeconds - before.LoadTesterSeconds) * 1000 / operations, 3));
}
