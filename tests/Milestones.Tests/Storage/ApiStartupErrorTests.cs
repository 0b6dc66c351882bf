using System.Net;
using System.Net.Sockets;
using Milestones.Api.Auth;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

/// <summary>The real API process refuses to start with one line on standard error and exit code 1, never an abort.</summary>
public sealed class ApiStartupErrorTests
{
    [Theory]
    [InlineData(null, "is not set")]
    [InlineData(AuthOptions.DevelopmentSigningKey, "is a published key")]
    [InlineData("change-me-to-a-long-random-secret-of-32-chars-or-more", "is a published key")]
    [InlineData("short-key", "is shorter than 32 bytes")]
    public async Task OutsideDevelopment_AMissingWeakOrPublishedSigningKey_StopsStartUp_InOneLineNamingTheSetting(string? key, string reason)
    {
        var environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Storage__Provider"] = "Memory" };
        if (key is not null)
        {
            environment["Auth__SigningKey"] = key;
        }

        using var api = SiloProcess.StartApi(Ports(environment), "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(1, await api.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var line = Assert.Single(api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Milestones cannot start: Auth:SigningKey (env Auth__SigningKey)", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATakenHttpPort_StopsStartUp_InOneLineNamingTheAddressAndTheSetting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var api = SiloProcess.StartApi(Ports(new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__Provider"] = "Memory" }),
            "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, await api.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var line = Assert.Single(api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.DoesNotContain($"{nameof(GroupCommitGrainStorage)}' failed to stop", api.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATakenSiloPort_StopsStartUp_InOneLineNamingTheSetting()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var environment = Ports(new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__Provider"] = "Memory" });
        environment["Orleans__SiloPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var api = SiloProcess.StartApi(environment, "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(1, await api.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var line = Assert.Single(api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"Orleans:SiloPort {port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCommand_OutsideDevelopment_WithoutAKey_RefusesToSign()
    {
        using var command = SiloProcess.StartApi(new Dictionary<string, string>(), "token", "--user", "alice");

        Assert.Equal(1, await command.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("", command.StandardOutput.Trim());
        Assert.StartsWith("token: Auth:SigningKey (env Auth__SigningKey) is not set", command.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCommand_WithAConfiguredKey_PrintsAToken()
    {
        using var command = SiloProcess.StartApi(new Dictionary<string, string> { ["Auth__SigningKey"] = new string('k', 40) }, "token", "--user", "alice");

        Assert.Equal(0, await command.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(3, command.StandardOutput.Trim().Split('.').Length);
    }

    private static Dictionary<string, string> Ports(Dictionary<string, string> environment)
    {
        environment.TryAdd("Orleans__SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        environment.TryAdd("Orleans__GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return environment;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
