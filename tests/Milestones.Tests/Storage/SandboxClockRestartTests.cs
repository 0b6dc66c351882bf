using System.Globalization;

namespace Milestones.Tests.Storage;

/// <summary>
/// The sandbox clock survives a crash: the real API process (embedded silo on SQLite, Development) is killed after the
/// clock moved 30 days, and the restarted one runs at that offset from its first call — a due date ten real days away is
/// already in its past — because every silo reads the stored offset before it takes a call (the restarted one would
/// read it again only an hour later).
/// </summary>
public sealed class SandboxClockRestartTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AfterASigkill_TheRestartedProcess_RunsAtTheStoredOffset_FromItsFirstCall()
    {
        var data = Directory.CreateTempSubdirectory("milestones-clock-");
        try
        {
            using (var first = await StartAsync(data.FullName))
            {
                var platform = await HostedTopology.TokenAsync(first.Url, "ops", platform: true);
                var moved = await HostedTopology.SendOnceAsync(HttpMethod.Post, first.Url + "/v1/dev/clock", platform, new { advanceBy = "P30D" }, key: "restart");
                Assert.True(moved.Status == 200, moved.Body);
                first.Process.Kill();
            }

            using var second = await StartAsync(data.FullName, refresh: "01:00:00");
            var client = await HostedTopology.TokenAsync(second.Url, "alice");
            var tenDays = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var created = await HostedTopology.SendOnceAsync(HttpMethod.Post, second.Url + "/v1/contracts", client, new
            {
                freelancerId = "bob",
                title = "Shop",
                currency = "USD",
                milestones = new[] { new { description = "Design", dueDate = tenDays, amount = 1_000 } },
            });
            Assert.True(created.Status == 400 && created.Body.Contains("due_date_in_past", StringComparison.Ordinal), created.Body);

            var clock = await HostedTopology.SendOnceAsync(HttpMethod.Get, second.Url + "/v1/dev/clock", await HostedTopology.TokenAsync(second.Url, "ops", platform: true));
            Assert.Contains("\"offset\":\"P30D\"", clock.Body, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<Started> StartAsync(string dataDirectory, string refresh = "00:00:01")
    {
        var ports = FreePorts.Take(3);
        var url = $"http://127.0.0.1:{ports[0]}";
        var process = SiloProcess.StartApi(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__DataDirectory"] = dataDirectory,
            ["Milestones__SandboxClockRefresh"] = refresh,
            ["Orleans__SiloPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports[2].ToString(CultureInfo.InvariantCulture),
        }, "--urls", url);
        await process.WaitForOutputAsync("Application started", StartBound);
        return new Started(process, url);
    }

    private sealed record Started(SiloProcess Process, string Url) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
