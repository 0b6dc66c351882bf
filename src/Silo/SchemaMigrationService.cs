using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milestones.Silo.Storage;

namespace Milestones.Silo;

/// <summary>Applies the schema before the silo starts (registered ahead of Orleans, so it runs first).</summary>
internal sealed class SchemaMigrationService(StorageSettings settings, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => MigrateAsync(settings, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the migrations; an unreachable or refusing database becomes one clear start-up error.</summary>
    public static async Task<int> MigrateAsync(StorageSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        if (settings.Database is not { } kind)
        {
            return 0;
        }

        try
        {
            return await SchemaMigrator.MigrateAsync(kind, settings.ConnectionString, logger, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new StartupException($"The {kind} database cannot be reached or refused the schema: {ex.Message}", ex);
        }
    }
}
