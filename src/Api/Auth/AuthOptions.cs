using System.ComponentModel.DataAnnotations;

namespace Milestones.Api.Auth;

/// <summary>JWT validation (<c>Auth</c> section). The signing key is required outside Development.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Used only in Development when no key is configured. Never valid elsewhere.</summary>
    public const string DevelopmentSigningKey = "milestones-development-signing-key-not-for-production-use";

    /// <summary>Checked by <see cref="SigningKeyRule"/>.</summary>
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "milestones";

    [Required]
    public string Audience { get; set; } = "milestones-api";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
