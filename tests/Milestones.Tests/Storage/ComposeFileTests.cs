using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>What docker-compose.yml promises the hosts: time to stop on their own, and secrets that are in no file.</summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docker-compose.yml"));

    [Fact]
    public void NoPasswordIsWrittenInIt()
    {
        Assert.DoesNotMatch(PasswordInAConnectionString(), Compose);
        Assert.DoesNotContain("POSTGRES_PASSWORD:", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresAndEveryServiceOnIt_ReadTheDatabasePassword_FromTheSecretOfAnEnvironmentVariable()
    {
        Assert.Contains("  milestones_db_password:\n    environment: MILESTONES_DB_PASSWORD\n", Compose, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_PASSWORD_FILE: /run/secrets/milestones_db_password", Section("  postgres:"), StringComparison.Ordinal);
        Assert.Contains("secrets: [milestones_db_password]", Section("  postgres:"), StringComparison.Ordinal);
        Assert.Contains("Storage__Password_FILE: /run/secrets/milestones_db_password", Section("x-settings: &settings"), StringComparison.Ordinal);
        foreach (var service in new[] { "x-silo: &silo", "x-api: &api", "  migrate:" })
        {
            Assert.Contains("<<: *settings", Section(service), StringComparison.Ordinal);
            Assert.Matches(@"secrets: \[\*db-password\b", Section(service));
        }
    }

    [Fact]
    public void TheApis_ReadTheSigningKey_FromTheSecretOfAnEnvironmentVariable()
    {
        Assert.Contains("  milestones_signing_key:\n    environment: MILESTONES_SIGNING_KEY\n", Compose, StringComparison.Ordinal);
        Assert.Contains("Auth__SigningKey_FILE: /run/secrets/milestones_signing_key", Section("x-api: &api"), StringComparison.Ordinal);
        Assert.Matches(@"secrets: \[.*\*signing-key\b", Section("x-api: &api"));
    }

    [Fact]
    public void SilosAndApis_AreGivenLongerToStop_ThanTheirBoundedStopTakes()
    {
        var bound = new HostOptions().ShutdownTimeout + BoundedStop.Grace;

        foreach (var anchor in new[] { "x-silo: &silo", "x-api: &api" })
        {
            var section = Section(anchor);
            var grace = GracePeriod().Match(section);
            Assert.True(grace.Success, $"{anchor} has no stop_grace_period");
            Assert.True(TimeSpan.FromSeconds(int.Parse(grace.Groups[1].Value, CultureInfo.InvariantCulture)) > bound, $"{anchor}: {grace.Value} is not past {bound}");
        }
    }

    /// <summary>The block that starts at the line <paramref name="start"/>, up to the next empty line.</summary>
    private static string Section(string start)
    {
        var at = Compose.IndexOf("\n" + start + "\n", StringComparison.Ordinal);
        Assert.True(at >= 0, $"docker-compose.yml has no line '{start}'");
        var section = Compose[(at + 1)..];
        var end = section.IndexOf("\n\n", StringComparison.Ordinal);
        return end < 0 ? section : section[..end];
    }

    [Fact]
    public void ThePrometheusOfTheObservabilityProfile_ScrapesTheApisMetricsPort_AndTheCollectorTheSilosSendTo()
    {
        var apiPort = MetricsPort().Match(Compose);
        var collectorPort = CollectorPrometheusPort().Match(Compose);
        Assert.True(apiPort.Success && collectorPort.Success, "no Metrics__Port or no collector Prometheus exporter");

        Assert.Contains($"\"api1:{apiPort.Groups[1].Value}\", \"api2:{apiPort.Groups[1].Value}\"", Compose, StringComparison.Ordinal);
        Assert.Contains($"\"otel-collector:{collectorPort.Groups[1].Value}\"", Compose, StringComparison.Ordinal);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT: ${OTEL_EXPORTER_OTLP_ENDPOINT:-}", Compose, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(Compose, @"profiles: \[observability\]"));
    }

    [GeneratedRegex(@"Metrics__Port: ""(\d+)""")]
    private static partial Regex MetricsPort();

    [GeneratedRegex(@"prometheus: \{ endpoint: 0\.0\.0\.0:(\d+) \}")]
    private static partial Regex CollectorPrometheusPort();

    [GeneratedRegex(@"stop_grace_period: (\d+)s")]
    private static partial Regex GracePeriod();

    /// <summary>A connection string's password key (not a variable such as MILESTONES_DB_PASSWORD=).</summary>
    [GeneratedRegex(@"(?i)(?<!\w)(password|pwd)\s*=")]
    private static partial Regex PasswordInAConnectionString();
}
