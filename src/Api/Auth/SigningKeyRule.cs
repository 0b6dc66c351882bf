using System.Text;
using Microsoft.Extensions.Options;

namespace Milestones.Api.Auth;

/// <summary>
/// The one rule for <c>Auth:SigningKey</c>: at least 32 bytes, and outside Development never a key published in
/// this repository. The API refuses to start, and the <c>token</c> command to sign, when it is broken.
/// </summary>
public static class SigningKeyRule
{
    public const int MinBytes = 32;

    /// <summary>
    /// Every key anyone can read here: the development key, and the placeholder docker-compose.yml once fell back to
    /// when <c>MILESTONES_SIGNING_KEY</c> was unset (still in the history, so still public).
    /// </summary>
    public static IReadOnlyList<string> PublishedKeys { get; } =
        [AuthOptions.DevelopmentSigningKey, "change-me-to-a-long-random-secret-of-32-chars-or-more"];

    /// <summary>Null when the key may be used; otherwise one line naming the setting.</summary>
    public static string? Problem(string? key, bool development)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"Auth:SigningKey (env Auth__SigningKey) is not set; outside Development it must be a secret of at least {MinBytes} bytes.";
        }

        if (!development && PublishedKeys.Contains(key, StringComparer.Ordinal))
        {
            return "Auth:SigningKey (env Auth__SigningKey) is a published key; outside Development set a secret of your own.";
        }

        return Encoding.UTF8.GetByteCount(key) < MinBytes
            ? $"Auth:SigningKey (env Auth__SigningKey) is shorter than {MinBytes} bytes."
            : null;
    }

    /// <summary>Validates <see cref="AuthOptions"/> at start-up with this rule.</summary>
    internal sealed class Validator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
            Problem(options.SigningKey, environment.IsDevelopment()) is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }
}
