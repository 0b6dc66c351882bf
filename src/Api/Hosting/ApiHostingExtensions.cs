using System.Text.Json;
using System.Text.Json.Serialization;
using Milestones.Api.Auth;
using Milestones.Api.Endpoints;
using Milestones.Silo;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace Milestones.Api.Hosting;

/// <summary>The API's set-up: cluster, auth, JSON, errors, limits, docs, health, metrics; then the routes.</summary>
public static class ApiHostingExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>A port that serves only <see cref="MetricsPath"/>, without a token, for a scraper inside the cluster's network.</summary>
    public const string MetricsPortKey = "Metrics:Port";

    public static WebApplicationBuilder AddMilestonesApi(this WebApplicationBuilder builder)
    {
        // Before the cluster: a co-hosted silo's telemetry set-up then finds this one in place.
        builder.AddMilestonesTelemetry(
            // Every scrape reads current values (a scraper calls every few seconds; the default cache would serve stale ones).
            metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0),
            tracing => tracing.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperations(http.Request.Path)).AddHttpClientInstrumentation());
        builder.AddMilestonesCluster();
        if (MetricsPort(builder.Configuration) is { } port)
        {
            // Kestrel listens there too: added to the addresses the API is given (which code-configured listeners would
            // replace): its URLs, else its HTTP ports (ASPNETCORE_HTTP_PORTS, which the runtime images set), else Kestrel's default.
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } given ? given
                : builder.Configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports
                    ? string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"))
                    : "http://localhost:5000";
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{urls};http://*:{port}");
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ProblemHandling.MaxRequestBodyBytes);
        var services = builder.Services;
        services.AddMilestonesAuth(builder.Environment);
        services.AddMilestonesProblems();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // {"amount":1,"amount":999999} means one thing to one reader and another to the next: refused (duplicate_field).
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        });
        services.AddOpenApi(OpenApiDocs.Configure);
        services.AddMilestonesRateLimits(builder.Configuration);
        services.AddDashboardLogin();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseMilestonesApi(this WebApplication app)
    {
        if (app.Configuration.GetValue(RequestLog.EnabledKey, true))
        {
            // Outermost: it logs the status the client gets, whoever wrote it.
            app.UseRequestLog();
        }

        app.UseExceptionHandler();
        if (MetricsPort(app.Configuration) is { } port)
        {
            // The management port answers the scrape and nothing else; the API's own port keeps its platform-only /metrics.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == MetricsPath);
            app.UseWhen(context => context.Connection.LocalPort == port, management => management.Run(context =>
                ProblemHandling.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", $"The metrics port serves {MetricsPath} only.", "Not found.")));
        }

        app.UseStatusCodePages();
        app.UseAddressRateLimit();
        app.UseBodySizeLimit();
        app.UseAuthentication();
        app.UseDashboardLogin();
        app.UseNotFoundForUnknownRoutes();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapApiReference();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        // The metrics show money moved: platform role only (Prometheus sends the token as its scrape authorization).
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(TokenIssuer.PlatformRole);

        if (SiloHostingExtensions.DashboardEnabled(app.Configuration))
        {
            // The dashboard has no authentication of its own: platform role only (a browser signs in at /dashboard/login).
            app.MapOrleansDashboard(DashboardLogin.Path).RequireAuthorization(TokenIssuer.PlatformRole).ExcludeFromDescription();
            app.MapDashboardLogin();
        }

        app.MapContracts();
        app.MapMilestones();
        app.MapChangeRequests();
        app.MapAccounts();
        app.MapEvents();
        app.MapWebhooks();
        app.MapDevRoutes(app.Environment.IsDevelopment());

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Urls)
            {
                app.Logger.LogApiReference(address);
            }
        });
        return app;
    }

    private static int? MetricsPort(IConfiguration configuration) => configuration.GetValue<int?>(MetricsPortKey);

    /// <summary>Probes and scrapes, which would otherwise fill the traces.</summary>
    private static bool IsOperations(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}
