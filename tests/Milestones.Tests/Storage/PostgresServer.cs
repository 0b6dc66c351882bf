using System.Diagnostics;
using Npgsql;

namespace Milestones.Tests.Storage;

/// <summary>
/// The PostgreSQL the storage tests run on: <c>MILESTONES_TEST_PG</c> if set (CI exports it with
/// <c>eval "$(scripts/pg.sh env)"</c>), otherwise the private instance of <c>scripts/pg.sh start</c> (started if
/// needed, reused if running, and left running). If neither works the tests fail with the reason; they never skip.
/// </summary>
internal static class PostgresServer
{
    public const string EnvironmentVariable = "MILESTONES_TEST_PG";

    private static readonly Lazy<Task<string>> Server = new(LocateAsync);

    /// <summary>The connection string of the server's own database (the one that fresh databases are created from).</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    /// <summary>
    /// A fresh, empty database (<c>CREATE DATABASE ms_…</c>). If the login may not create databases, a fresh schema
    /// (<c>CREATE SCHEMA ms_…</c>, first on the search path) isolates the test just as well.
    /// </summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync()
    {
        var server = await ConnectionStringAsync();
        var name = "ms_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
            var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
            return new PostgresTestDatabase(server, name, builder.ConnectionString, IsSchema: false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {name}", connection);
            await create.ExecuteNonQueryAsync();
            var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = name };
            return new PostgresTestDatabase(server, name, builder.ConnectionString, IsSchema: true);
        }
    }

    private static async Task<string> LocateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var source = $"environment variable {EnvironmentVariable}";
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = await StartWithScriptAsync();
            source = "scripts/pg.sh start";
        }

        var builder = new NpgsqlConnectionStringBuilder(configured) { Timeout = 10 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL for the storage tests cannot be reached at {builder.Host}:{builder.Port} (from {source}): {ex.Message}. " +
                "Start it with: eval \"$(scripts/pg.sh env)\"", ex);
        }

        return configured;
    }

    private static async Task<string> StartWithScriptAsync()
    {
        var script = Path.Combine(TestPaths.RepositoryRoot, "scripts", "pg.sh");
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("start");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"PostgreSQL for the storage tests: '{script} start' did not finish within 3 minutes.");
        }

        var connectionString = (await output).Trim().Split('\n').LastOrDefault()?.Trim();
        if (process.ExitCode != 0 || string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"PostgreSQL for the storage tests could not be started: '{script} start' exited with {process.ExitCode}. " +
                $"Set {EnvironmentVariable} to a server's connection string, or fix the script. Its errors:\n{await errors}");
        }

        return connectionString;
    }
}
