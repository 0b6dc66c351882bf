using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Milestones.Api.Auth;

namespace Milestones.Api.Hosting;

/// <summary>
/// The Orleans dashboard for a person with a browser: <c>/dashboard/login</c> takes a platform token and keeps it in
/// an HttpOnly, SameSite=Strict cookie scoped to <c>/dashboard</c>; the bearer handler reads it there. Any API
/// process accepts the cookie (it is the signed token itself, not server-side state). A page request without it
/// is sent to the login page; the dashboard's data requests still answer 401/403.
/// </summary>
public static class DashboardLogin
{
    public const string Path = "/dashboard";
    public const string LoginPath = Path + "/login";
    public const string CookieName = "milestones_dashboard";

    public static IServiceCollection AddDashboardLogin(this IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await inner(context);
                if (context.Token is null && string.IsNullOrEmpty(context.Request.Headers.Authorization)
                    && context.Request.Path.StartsWithSegments(Path) && context.Request.Cookies.TryGetValue(CookieName, out var token))
                {
                    context.Token = token;
                }
            };
        });

    /// <summary>After authentication: a browser asking for a dashboard page without a platform token goes to the login page.</summary>
    public static IApplicationBuilder UseDashboardLogin(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(Path) && !request.Path.StartsWithSegments(LoginPath)
            && !context.User.IsInRole(TokenIssuer.PlatformRole) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Redirect(LoginPath);
            return;
        }

        await next(context);
    });

    public static void MapDashboardLogin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(LoginPath, () => Page(null)).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost(LoginPath, LoginAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IOptionsMonitor<JwtBearerOptions> jwt)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var token = form?["token"].ToString().Trim() ?? "";
        var parameters = jwt.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = token.Length == 0 ? null : await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (result is not { IsValid: true } || !new ClaimsPrincipal(result.ClaimsIdentity).IsInRole(TokenIssuer.PlatformRole))
        {
            return Page("That is not a valid token with the platform role.", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = Path,
            Expires = result.SecurityToken.ValidTo,
        });
        return Results.Redirect(Path + "/", permanent: false, preserveMethod: false);
    }

    private static IResult Page(string? error, int status = StatusCodes.Status200OK) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Milestones dashboard: sign in</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto}input{width:100%;padding:.4rem}p.error{color:#b00}</style></head>
        <body>
        <h1>Orleans dashboard</h1>
        <p>Paste a bearer token with the platform role (outside Development: <code>token --user ops --platform</code>).
        It is kept in an HttpOnly cookie for this site's dashboard only.</p>
        {{(error is null ? "" : $"<p class=\"error\" id=\"error\">{WebUtility.HtmlEncode(error)}</p>")}}
        <form method="post" action="{{LoginPath}}">
        <label for="token">Platform token</label>
        <input id="token" name="token" type="password" autocomplete="off" required>
        <p><button id="sign-in" type="submit">Open the dashboard</button></p>
        </form>
        </body>
        </html>
        """, "text/html; charset=utf-8", statusCode: status);
}
