using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpLogging;
using Milestones.Api.Auth;
using Milestones.Api.Endpoints;
using Orleans.Dashboard;
using Prometheus;

namespace Milestones.Api.Hosting;

/// <summary>The API's set-up: cluster, auth, JSON, errors, limits, docs, health, metrics; then the routes.</summary>
public static class ApiHostingExtensions
{
    public static WebApplicationBuilder AddMilestonesApi(this WebApplicationBuilder builder)
    {
        builder.AddMilestonesCluster();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ProblemHandling.MaxRequestBodyBytes);
        var services = builder.Services;
        services.AddMilestonesAuth(builder.Environment);
        services.AddMilestonesProblems();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        });
        services.AddOpenApi(OpenApiDocs.Configure);
        services.AddMilestonesRateLimits(builder.Configuration);
        services.AddHttpLogging(o => o.LoggingFields =
            HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration);
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseMilestonesApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpLogging();
        app.UseAddressRateLimit();
        app.UseBodySizeLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseHttpMetrics();

        app.MapApiReference();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapMetrics().AllowAnonymous();

        // Exported meters: our business counters ("Milestones") and every observable instrument (Orleans' gauges,
        // read only when scraped). Orleans' per-message counters and histograms are left out: recording them cost
        // about 6% of the CPU at peak funding throughput. prometheus-net starts listening at its first collection:
        // collect once now, so nothing counted before the first scrape is lost.
        Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i => i.Meter.Name == "Milestones" || i.IsObservable);
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult();

        if (Milestones.Silo.SiloHostingExtensions.DashboardEnabled(app.Configuration))
        {
            // The dashboard has no authentication of its own: platform role only.
            app.MapOrleansDashboard("/dashboard").RequireAuthorization(TokenIssuer.PlatformRole).ExcludeFromDescription();
        }

        app.MapContracts();
        app.MapMilestones();
        app.MapChangeRequests();
        app.MapAccounts();
        app.MapDevTokens(app.Environment.IsDevelopment());

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Urls)
            {
                app.Logger.LogApiReference(address);
            }
        });
        return app;
    }
}
