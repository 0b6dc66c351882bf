using Microsoft.Extensions.Diagnostics.HealthChecks;
using Milestones.Baseline.Data;
using Npgsql;

namespace Milestones.Baseline.Hosting;

/// <summary>Ready = PostgreSQL answers.</summary>
internal sealed class DatabaseHealthCheck(Database db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = db.Source.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", e);
        }
    }
}
