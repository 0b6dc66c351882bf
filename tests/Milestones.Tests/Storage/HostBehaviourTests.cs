using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>Both hosts as real processes: help, environment, the token command, start-up failures, the walkthrough's failures.</summary>
public sealed class HostBehaviourTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("Api", "token", "Hosting:Mode")]
    [InlineData("Silo", "migrate", "Storage:Provider")]
    public async Task Help_ListsTheCommandsAndTheMainSettings_WithoutStartingAnything(string host, string command, string setting)
    {
        using var process = Start(host, new Dictionary<string, string>(), "--help");

        Assert.Equal(0, await process.WaitForExitAsync(Timeout));
        Assert.Contains(command, process.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(setting, process.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Milestones", process.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", process.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_WithAspNetCoreEnvironmentProduction_RunsProduction_NotTheLaunchProfilesDevelopment()
    {
        var (exit, _, stderr) = await DotnetRunAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Storage__Provider"] = "Memory" },
            "--urls", $"http://127.0.0.1:{FreePorts.Take(1)[0]}");

        // Production without a signing key refuses to start; Development would have started with its own key.
        Assert.Equal(1, exit);
        Assert.Contains("Auth:SigningKey (env Auth__SigningKey) is not set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_Quiet_TokenCommand_PrintsOnlyTheToken_OnStandardOutput()
    {
        var (exit, stdout, _) = await DotnetRunAsync(new(), "token", "--user", "alice", "--platform");

        Assert.Equal(0, exit);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var payload = line.Trim().Split('.')[1];
        var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=').Replace('-', '+').Replace('_', '/')));
        Assert.Equal("alice", json.RootElement.GetProperty("sub").GetString());
        Assert.Equal("platform", json.RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task DotnetRun_TokenCommand_OutsideDevelopment_RefusesToSignWithTheOldComposePlaceholder()
    {
        var (exit, stdout, stderr) = await DotnetRunAsync(
            new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__SigningKey"] = "change-me-to-a-long-random-secret-of-32-chars-or-more" },
            "token", "--user", "alice");

        Assert.Equal(1, exit);
        Assert.Empty(stdout.Trim());
        Assert.Contains("token: Auth:SigningKey (env Auth__SigningKey) is a published key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachablePostgres_StopsEitherHost_InOneLineNamingTheSetting_WithoutAStackTrace()
    {
        var unreachable = $"Host=127.0.0.1;Port={FreePorts.Take(1)[0]};Database=none;Username=none;Password=none;Timeout=3";
        foreach (var (host, environment) in new[]
        {
            ("Api", new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }),
            ("Silo", new Dictionary<string, string> { ["Storage__MigrateOnStart"] = "false" }),
        })
        {
            environment["Storage__Provider"] = "Postgres";
            environment["ConnectionStrings__Milestones"] = unreachable;
            using var process = Start(host, Ports(environment), "--urls", $"http://127.0.0.1:{FreePorts.Take(1)[0]}");

            var line = await StartUpFailureAsync(process);
            Assert.StartsWith("Milestones cannot start: ", line, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings:Milestones", line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Api")]
    [InlineData("Silo")]
    public async Task ASigtermOnceThePostgresIsGone_EndsEitherHost_SoonAfterTheShutdownTimeout(string host)
    {
        // Orleans would wait for good to mark the silo dead in a membership table whose database is gone.
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var environment = Ports(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = database.ConnectionString,
            ["DOTNET_shutdownTimeoutSeconds"] = "2",
        });
        using var process = Start(host, environment, "--urls", $"http://127.0.0.1:{FreePorts.Take(1)[0]}");
        await process.WaitForOutputAsync("Application started", Timeout);

        await database.DisposeAsync(); // dropped, its connections ended
        var stopping = Stopwatch.StartNew();
        await process.TerminateAsync(Timeout);

        Assert.Equal(BoundedStop.ExitCode, await process.WaitForExitAsync(Timeout));
        Assert.InRange(stopping.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Contains("Milestones did not stop within 7 s", process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATakenSiloPort_StopsTheSiloHost_InOneLineNamingThePort_WithoutAStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var environment = Ports(new() { ["Storage__Provider"] = "Memory" });
        environment["Orleans__SiloPort"] = port.ToString(CultureInfo.InvariantCulture);

        using var silo = Start("Silo", environment);

        Assert.Contains($"Orleans:SiloPort {port}", await StartUpFailureAsync(silo), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASettingThatDoesNotParse_StopsStartUp_InOneLineNamingIt()
    {
        using var api = Start("Api", Ports(new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__Provider"] = "Memory", ["Milestones__ReviewPeriod"] = "fortnight" }),
            "--urls", $"http://127.0.0.1:{FreePorts.Take(1)[0]}");

        Assert.Equal("Milestones cannot start: the setting Milestones:ReviewPeriod (env Milestones__ReviewPeriod) is not a valid System.TimeSpan.",
            await StartUpFailureAsync(api));
    }

    [Theory]
    [InlineData("Api", null)]
    [InlineData("Silo", null)]
    [InlineData("Silo", "migrate")]
    public async Task AFileVariableWhoseFileIsMissing_StopsEitherHostAndTheMigration_InOneLineNamingIt(string host, string? command)
    {
        var missing = Path.Combine(Path.GetTempPath(), $"milestones-missing-{Guid.NewGuid():N}");
        using var process = Start(host, Ports(new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = "Host=127.0.0.1;Username=milestones", ["Storage__Password_FILE"] = missing }),
            [.. command is null ? [] : new[] { command }, "--urls", $"http://127.0.0.1:{FreePorts.Take(1)[0]}"]);

        Assert.StartsWith($"Milestones cannot start: Storage__Password_FILE names the file '{missing}', which cannot be read",
            await StartUpFailureAsync(process), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCommand_SignsWithTheKeyOfAFileVariable_LessItsTrailingNewline()
    {
        const string key = "a-secret-of-our-own-from-a-file-0123456789";
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, key + "\n");
        try
        {
            using var process = SiloProcess.StartApi(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__SigningKey_FILE"] = file },
                "token", "--user", "alice");

            Assert.Equal(0, await process.WaitForExitAsync(Timeout));
            var token = process.StandardOutput.Trim().Split('.');
            using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(key));
            var signature = Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.ASCII.GetBytes($"{token[0]}.{token[1]}")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Assert.Equal(signature, token[2]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheWalkthrough_AgainstAWrongAddress_FailsLoudly_NamingTheStep()
    {
        var (exit, stderr) = await BashAsync(TestPaths.RepositoryRoot, $"http://127.0.0.1:{FreePorts.Take(1)[0]}", "scripts/e2e.sh", "walkthrough");

        Assert.NotEqual(0, exit);
        Assert.Contains("walkthrough: FAILED http://127.0.0.1:", stderr, StringComparison.Ordinal);
        Assert.Contains("e2e: FAILED (exit 1) at: CLIENT=$(token alice)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWalkthrough_RunFromAnotherFolder_FailsAtOnce_NamingTheReceiverItCouldNotStart()
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        var ports = FreePorts.Take(2);
        using var api = SiloProcess.StartApi(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "Memory",
            ["Orleans__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
        }, "--urls", url);
        await api.WaitForOutputAsync("Milestones API listening", TimeSpan.FromMinutes(2));

        // The README's block as a user pastes it, in a folder of their own.
        var readme = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var block = readme[readme.IndexOf("<!-- walkthrough:start -->", StringComparison.Ordinal)..readme.IndexOf("<!-- walkthrough:end -->", StringComparison.Ordinal)];
        var folder = Directory.CreateTempSubdirectory("milestones-walkthrough-");
        var script = Path.Combine(folder.FullName, "walkthrough.sh");
        await File.WriteAllLinesAsync(script, ["set -Eeuo pipefail", .. block.Split('\n').Where(l => !l.StartsWith("```", StringComparison.Ordinal) && !l.StartsWith("<!--", StringComparison.Ordinal))]);
        var (exit, stderr) = await BashAsync(folder.FullName, url, script);
        folder.Delete(recursive: true);

        Assert.NotEqual(0, exit);
        Assert.Contains("walkthrough: FAILED the webhook receiver did not start (run this from the repository's root)", stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs bash with <paramref name="arguments"/> in <paramref name="folder"/>, the walkthrough's API at <paramref name="api"/>: its exit code and standard error.</summary>
    private static async Task<(int Exit, string Stderr)> BashAsync(string folder, string api, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["API"] = api },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stderr);
    }

    /// <summary>Waits for a start-up failure: exit code 1 and one line on standard error (returned), no stack trace.</summary>
    private static async Task<string> StartUpFailureAsync(SiloProcess process)
    {
        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.DoesNotContain(" at ", process.StandardOutput + process.StandardError, StringComparison.Ordinal);
        return Assert.Single(process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static SiloProcess Start(string host, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        host == "Api" ? SiloProcess.StartApi(environment, arguments) : SiloProcess.Start(environment, arguments);

    /// <summary><c>dotnet run --project src/Api -v q</c> as the README writes it (the launch profile applies), on the built host.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> DotnetRunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet", ["run", "--project", "src/Api", "-c", configuration, "--no-build", "-v", "q", "--", .. arguments])
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("Auth__", StringComparison.Ordinal)
            || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in Ports(environment))
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cancellation.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Dictionary<string, string> Ports(Dictionary<string, string> environment)
    {
        var ports = FreePorts.Take(2);
        environment.TryAdd("Orleans__SiloPort", ports[0].ToString(CultureInfo.InvariantCulture));
        environment.TryAdd("Orleans__GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture));
        return environment;
    }
}
