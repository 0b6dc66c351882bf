using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Milestones.Api.Auth;

/// <summary>Mints bearer tokens for the configured key: the Development token route and the <c>token</c> command.</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string PlatformRole = "platform";

    public string Issue(string userId, bool platform)
    {
        var auth = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, userId) };
        if (platform)
        {
            claims.Add(new Claim("role", PlatformRole));
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

    public static SymmetricSecurityKey Key(AuthOptions auth) => new(Encoding.UTF8.GetBytes(auth.SigningKey));
}
