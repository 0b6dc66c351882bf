using Microsoft.Extensions.Configuration;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>A misconfigured store stops start-up with one clear message, in the settings and in the real silo process.</summary>
public sealed class StartupErrorTests
{
    [Fact]
    public void UnknownProvider_IsRejected_NamingTheKnownOnes()
    {
        var error = Assert.Throws<StartupException>(() => Resolve(("Storage:Provider", "Oracle")));

        Assert.Equal("Storage:Provider 'Oracle' is not known; use Sqlite (default), Postgres or Memory.", error.Message);
    }

    [Fact]
    public void NumericProvider_IsRejected_EvenThoughItParsesAsAnEnumValue()
    {
        Assert.Throws<StartupException>(() => Resolve(("Storage:Provider", "7")));
    }

    [Fact]
    public void Postgres_WithoutAConnectionString_IsRejected_NamingTheSetting()
    {
        var error = Assert.Throws<StartupException>(() => Resolve(("Storage:Provider", "Postgres")));

        Assert.Contains("ConnectionStrings:Milestones is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Milestones", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_WithAMalformedConnectionString_IsRejected()
    {
        var error = Assert.Throws<StartupException>(() => Resolve(
            ("Storage:Provider", "postgres"), ("ConnectionStrings:Milestones", "Host=127.0.0.1;Colour=blue")));

        Assert.StartsWith("ConnectionStrings:Milestones is not a valid PostgreSQL connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_WithAPasswordApart_TakesItIntoTheConnectionString()
    {
        var settings = Resolve(("Storage:Provider", "Postgres"), ("ConnectionStrings:Milestones", "Host=db;Username=milestones"), ("Storage:Password", "s3;cret"));

        Assert.Equal("s3;cret", new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString).Password);
    }

    [Fact]
    public void Postgres_WithAPasswordInBothPlaces_IsRejected()
    {
        var error = Assert.Throws<StartupException>(() => Resolve(
            ("Storage:Provider", "Postgres"), ("ConnectionStrings:Milestones", "Host=db;Password=one"), ("Storage:Password", "two")));

        Assert.Equal("both ConnectionStrings:Milestones and Storage:Password give a password; give it in one of them.", error.Message);
    }

    [Fact]
    public void Defaults_AreSqlite_InTheDataDirectory_MigratedAtStart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ms_" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var settings = Resolve(("Storage:DataDirectory", directory));

            Assert.Equal(new StorageSettings(StorageProvider.Sqlite, $"Data Source={Path.Combine(directory, "milestones.db")}", true), settings);
            Assert.True(Directory.Exists(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SiloProcess_WithAnUnreachablePostgres_ExitsNonZero_WithTheStartUpMessage()
    {
        var closedPort = ClosedLoopbackPort();
        using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = $"Host=127.0.0.1;Port={closedPort};Database=milestones;Username=milestones;Password=x;Timeout=3",
        });

        var exit = await silo.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit != 0, silo.Describe());
        Assert.Contains("Milestones cannot start: The Postgres database cannot be reached", silo.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloProcess_WithAnUnknownProvider_ExitsNonZero_WithTheStartUpMessage()
    {
        using var silo = SiloProcess.Start(new Dictionary<string, string> { ["Storage__Provider"] = "Oracle" });

        var exit = await silo.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit != 0, silo.Describe());
        Assert.Contains("Milestones cannot start: Storage:Provider 'Oracle' is not known", silo.StandardError, StringComparison.Ordinal);
    }

    private static StorageSettings Resolve(params (string Key, string Value)[] values) =>
        StorageSettings.Resolve(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    /// <summary>A loopback port nothing listens on: bound once to learn a free number, then released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
