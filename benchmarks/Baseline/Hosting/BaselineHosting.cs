using System.Text.Json.Serialization;
using Milestones.Baseline.Auth;
using Milestones.Baseline.Data;
using Milestones.Baseline.Endpoints;
using Milestones.Baseline.Http;

namespace Milestones.Baseline.Hosting;

/// <summary>The baseline's set-up: database, auth, JSON, errors, health; then the routes.</summary>
internal static class BaselineHosting
{
    public static WebApplicationBuilder AddBaseline(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(BaselineOptions.Section).Get<BaselineOptions>() ?? new BaselineOptions();
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Database.Build(builder.Configuration, options));
        services.AddSingleton<Database>();
        services.AddSingleton<ContractStore>();
        services.AddSingleton<EscrowStore>();
        services.AddSingleton<AccountStore>();
        services.AddBaselineAuth(builder.Configuration, builder.Environment);
        services.AddBaselineProblems();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default);
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        return builder;
    }

    public static async Task<WebApplication> UseBaselineAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<Database>().ApplySchemaAsync(app.Lifetime.ApplicationStopping);

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapContracts();
        app.MapAccounts();
        if (app.Environment.IsDevelopment())
        {
            app.MapDevTokens();
        }

        return app;
    }
}
