using Microsoft.Extensions.Options;
using Milestones.Api.Auth;
using Milestones.Domain;
using Scalar.AspNetCore;

namespace Milestones.Api.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>), the reference page (<c>/scalar</c>, where <c>GET /</c> leads) with
/// bearer auth chosen and, in Development, a token already filled in: <c>alice</c>'s, or the user's of <c>?user=</c>.
/// </summary>
public static class ApiReference
{
    public const string PagePath = "/scalar";
    public const string DemoUser = "alice";

    private const string DevelopmentLinks = """
        <p style="margin:0;padding:6px 16px;font:14px sans-serif;background:#fff7d6">
          Development: the page sends a token for <b>{user}</b>. Try it as
          <a href="?user=alice">alice</a> (client), <a href="?user=bob">bob</a> (freelancer) or
          <a href="?user=marketplace&amp;platform=true">marketplace</a> (platform).
        </p>
        """;

    public static WebApplication MapApiReference(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();
        app.MapOpenApi().AllowAnonymous();
        app.MapGet("/", () => TypedResults.Redirect(PagePath + "/")).AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference(PagePath, (options, http) =>
        {
            options.WithTitle("Milestones API")
                .HideDeveloperTools()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .AddPreferredSecuritySchemes([OpenApiDocs.BearerScheme]);
            if (development)
            {
                var (user, platform) = DevelopmentUser(http.Request.Query);
                var token = http.RequestServices.GetRequiredService<TokenIssuer>().Issue(user, platform);
                options.AddHttpAuthentication(OpenApiDocs.BearerScheme, scheme => scheme.WithToken(token));
                options.HeaderContent = DevelopmentLinks.Replace("{user}", System.Net.WebUtility.HtmlEncode(user), StringComparison.Ordinal);
            }
        }).AllowAnonymous();
        return app;
    }

    /// <summary>The user of <c>?user=</c> when it passes the id rule, else the demo user.</summary>
    private static (string User, bool Platform) DevelopmentUser(IQueryCollection query)
    {
        var user = query["user"].ToString();
        return Validate.Id(user, "user") is null ? (user, query["platform"] == "true") : (DemoUser, false);
    }
}
