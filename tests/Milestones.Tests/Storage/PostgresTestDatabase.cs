using Npgsql;

namespace Milestones.Tests.Storage;

/// <summary>One test's own database (or schema) on the test server; dropped on dispose.</summary>
internal sealed record PostgresTestDatabase(string ServerConnectionString, string Name, string ConnectionString, bool IsSchema)
    : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        var sql = IsSchema ? $"DROP SCHEMA IF EXISTS {Name} CASCADE" : $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)";
        await using var drop = new NpgsqlCommand(sql, connection);
        await drop.ExecuteNonQueryAsync();
    }
}
