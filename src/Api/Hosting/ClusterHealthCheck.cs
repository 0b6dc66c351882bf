using Microsoft.Extensions.Diagnostics.HealthChecks;
using Milestones.Contracts;

namespace Milestones.Api.Hosting;

/// <summary>
/// Ready when a grain call that reads grain state succeeds: the cluster and its store both answer. Not ready before
/// the host has started (a client API that has not reached a silo yet).
/// </summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("No silo reached yet.");
        }

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
