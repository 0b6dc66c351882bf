using Microsoft.Extensions.Diagnostics.HealthChecks;
using Milestones.Contracts;

namespace Milestones.Api.Hosting;

/// <summary>Ready when a grain call that reads grain state succeeds: the cluster and its store both answer.</summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IAccountRegistryGrain>(0).ListAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster or its store did not answer.", ex);
        }
    }
}
