using Microsoft.Extensions.Configuration;
using Milestones.Silo.Storage;
using Npgsql;

namespace Milestones.Silo;

/// <summary>
/// The storage configuration, resolved and checked once at start: <c>Storage:Provider</c>,
/// <c>ConnectionStrings:Milestones</c>, <c>Storage:Password</c>, <c>Storage:DataDirectory</c>,
/// <c>Storage:MigrateOnStart</c>, <c>Storage:CompressStates</c> (states, answers and, on PostgreSQL, events written
/// compressed; every build since reads either form).
/// </summary>
public sealed record StorageSettings(StorageProvider Provider, string ConnectionString, bool MigrateOnStart, bool CompressStates = true)
{
    public const string ConnectionStringName = "Milestones";

    /// <summary>The database the schema migrator targets, or null for memory.</summary>
    public StorageProvider? Database => Provider == StorageProvider.Memory ? null : Provider;

    /// <summary>The ADO.NET invariant Orleans knows the driver by (SQLite's is historical; Microsoft.Data.Sqlite serves it).</summary>
    public string Invariant => Provider == StorageProvider.Postgres ? "Npgsql" : "System.Data.SQLite";

    public static StorageSettings Resolve(IConfiguration configuration)
    {
        var name = configuration["Storage:Provider"];
        if (string.IsNullOrWhiteSpace(name))
        {
            name = nameof(StorageProvider.Sqlite);
        }

        if (!Enum.TryParse<StorageProvider>(name, ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
        {
            throw new StartupException($"Storage:Provider '{name}' is not known; use Sqlite (default), Postgres or Memory.");
        }

        var migrate = !bool.TryParse(configuration["Storage:MigrateOnStart"], out var m) || m;
        var compress = !bool.TryParse(configuration["Storage:CompressStates"], out var c) || c;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        return provider switch
        {
            StorageProvider.Memory => new StorageSettings(provider, "", false, compress),
            StorageProvider.Sqlite => new StorageSettings(provider, SqliteConnectionString(configuration, connectionString), migrate, compress),
            _ => new StorageSettings(provider, PostgresConnectionString(connectionString, configuration["Storage:Password"]), migrate, compress),
        };
    }

    private static string SqliteConnectionString(IConfiguration configuration, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = configuration["Storage:DataDirectory"];
        directory = Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? ".data" : directory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Storage:DataDirectory '{directory}' cannot be created: {ex.Message}", ex);
        }

        return $"Data Source={Path.Combine(directory, "milestones.db")}";
    }

    /// <summary>
    /// The connection string, with <c>Storage:Password</c> set into it (the builder quotes whatever characters it has):
    /// the password can then be kept apart, in a secret's file (<c>Storage__Password_FILE</c>), from a connection
    /// string that is no secret. A password in both is refused: which one was meant?
    /// </summary>
    private static string PostgresConnectionString(string? configured, string? password)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new StartupException(
                "Storage:Provider is Postgres but ConnectionStrings:Milestones is not set " +
                "(environment variable ConnectionStrings__Milestones).");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"ConnectionStrings:Milestones is not a valid PostgreSQL connection string: {ex.Message}", ex);
        }

        if (!string.IsNullOrEmpty(password))
        {
            if (!string.IsNullOrEmpty(builder.Password))
            {
                throw new StartupException("both ConnectionStrings:Milestones and Storage:Password give a password; give it in one of them.");
            }

            builder.Password = password;
        }

        return builder.ConnectionString;
    }
}
