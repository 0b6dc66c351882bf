using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Milestones.Api.Auth;

namespace Milestones.Tests.Api;

/// <summary>Tokens the API must refuse: minted like real ones, but expired, early, wrongly signed or for another issuer or audience.</summary>
public static class Tokens
{
    public static HttpClient ClientWithToken(this ApiFactory factory, string token, string scheme = "Bearer")
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
        return client;
    }

    /// <summary>Issued a day ago: with the 12-hour lifetime it expired long before the 30-second clock skew.</summary>
    public static string ExpiredToken(this ApiFactory factory, string userId) =>
        Issue(factory, userId, o => { }, DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>Valid only from tomorrow.</summary>
    public static string EarlyToken(this ApiFactory factory, string userId) =>
        Issue(factory, userId, o => { }, DateTimeOffset.UtcNow.AddDays(1));

    public static string TokenSignedWithAnotherKey(this ApiFactory factory, string userId, bool platform = false) =>
        Issue(factory, userId, o => o.SigningKey = "another-signing-key-that-this-api-does-not-trust", DateTimeOffset.UtcNow, platform);

    public static string TokenFromAnotherIssuer(this ApiFactory factory, string userId) =>
        Issue(factory, userId, o => o.Issuer = "someone-else", DateTimeOffset.UtcNow);

    public static string TokenForAnotherAudience(this ApiFactory factory, string userId) =>
        Issue(factory, userId, o => o.Audience = "another-api", DateTimeOffset.UtcNow);

    /// <summary>Correctly signed for this API, with exactly these claims besides the lifetime (no <c>sub</c> unless given).</summary>
    public static string SignedTokenWithClaims(this ApiFactory factory, IDictionary<string, object> claims)
    {
        var auth = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var now = DateTime.UtcNow;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(TokenIssuer.Key(auth), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A well-formed token with <c>alg: none</c> and no signature.</summary>
    public static string UnsignedToken(string userId)
    {
        static string Encode(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode($$"""{"sub":"{{userId}}","role":"platform","iss":"milestones","aud":"milestones-api","nbf":{{now}},"exp":{{now + 3600}}}""")}.";
    }

    private static string Issue(ApiFactory factory, string userId, Action<AuthOptions> change, DateTimeOffset at, bool platform = false)
    {
        var configured = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var options = new AuthOptions
        {
            SigningKey = configured.SigningKey,
            Issuer = configured.Issuer,
            Audience = configured.Audience,
            TokenLifetime = configured.TokenLifetime,
        };
        change(options);
        return new TokenIssuer(Options.Create(options), new FakeTimeProvider(at)).Issue(userId, platform);
    }
}
