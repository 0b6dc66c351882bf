using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Milestones.Domain;

namespace Milestones.Api.Auth;

public static class AuthExtensions
{
    /// <summary>JWT bearer auth: <c>sub</c> is the user id; role <c>platform</c> is the marketplace's back end.</summary>
    public static IServiceCollection AddMilestonesAuth(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .PostConfigure(o =>
            {
                if (environment.IsDevelopment() && string.IsNullOrEmpty(o.SigningKey))
                {
                    o.SigningKey = AuthOptions.DevelopmentSigningKey;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, SigningKeyRule.Validator>();
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.Events = new JwtBearerEvents { OnTokenValidated = SubjectCheck.OnTokenValidated, OnChallenge = SubjectCheck.OnChallenge };
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = TokenIssuer.Key(auth.Value),
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(TokenIssuer.PlatformRole, p => p.RequireRole(TokenIssuer.PlatformRole));
        return services;
    }

    /// <summary>The domain's view of the authenticated user (whose <c>sub</c> <see cref="SubjectCheck"/> has checked).</summary>
    public static Caller ToCaller(this ClaimsPrincipal user) =>
        new(user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated user has a sub."),
            user.IsInRole(TokenIssuer.PlatformRole));
}
