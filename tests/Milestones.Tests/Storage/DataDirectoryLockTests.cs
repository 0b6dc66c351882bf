using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>The embedded store's data directory belongs to one process: a second one exits at once, naming the holder.</summary>
[Collection(SerialStorageCollection.Name)]
public sealed class DataDirectoryLockTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "ms_lock_" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task ASecondSiloProcess_OnTheSameDataDirectory_ExitsWithOneLineNamingTheHolder_AndTheLockDiesWithItsHolder()
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Sqlite",
            ["Storage__DataDirectory"] = directory,
            ["Orleans__SiloPort"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dashboard__Enabled"] = "false",
        };
        using var first = SiloProcess.Start(environment);
        await first.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(2));

        using var second = SiloProcess.Start(environment);
        var exit = await second.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit == 1, second.Describe());
        var line = Assert.Single(second.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(
            $"Milestones cannot start: the data directory '{directory}' is in use by process {first.Id} (it holds {DataDirectoryLock.LockFileName}); " +
            "stop it or set Storage:DataDirectory to another directory.",
            line);
        Assert.False(first.HasExited, first.Describe());

        first.Kill();
        using var third = SiloProcess.Start(environment);
        await third.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(2));
        Assert.Equal(third.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(directory, DataDirectoryLock.PidFileName)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
