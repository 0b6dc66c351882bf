namespace Milestones.Baseline.Auth;

/// <summary>JWT validation, with the Milestones API's configuration keys (<c>Auth:SigningKey</c>, <c>Auth:Issuer</c>, <c>Auth:Audience</c>).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Used only in Development when no key is configured: the same literal as the Milestones API.</summary>
    public const string DevelopmentSigningKey = "milestones-development-signing-key-not-for-production-use";

    public const string PlatformRole = "platform";

    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "milestones";
    public string Audience { get; set; } = "milestones-api";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
