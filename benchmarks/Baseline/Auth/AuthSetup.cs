using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Milestones.Baseline.Domain;

namespace Milestones.Baseline.Auth;

/// <summary>JWT bearer auth as in the Milestones API: HS256, <c>sub</c> = user id, role claim <c>role</c> = <c>platform</c>.</summary>
internal static class AuthSetup
{
    public static AuthOptions AddBaselineAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (string.IsNullOrEmpty(auth.SigningKey) && environment.IsDevelopment())
        {
            auth.SigningKey = AuthOptions.DevelopmentSigningKey;
        }

        if (auth.SigningKey.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters (it has a default only in Development).");
        }

        services.AddSingleton(auth);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = Key(auth),
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return auth;
    }

    public static Caller ToCaller(this ClaimsPrincipal user) =>
        new(user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated user has a sub."),
            user.IsInRole(AuthOptions.PlatformRole));

    public static string Issue(AuthOptions auth, string userId, bool platform, DateTime now)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, userId) };
        if (platform)
        {
            claims.Add(new Claim("role", AuthOptions.PlatformRole));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.TokenLifetime,
            SigningCredentials = new SigningCredentials(Key(auth), SecurityAlgorithms.HmacSha256),
        });
    }

    private static SymmetricSecurityKey Key(AuthOptions auth) => new(Encoding.UTF8.GetBytes(auth.SigningKey));
}
