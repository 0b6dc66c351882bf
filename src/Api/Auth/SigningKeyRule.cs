using System.Text;
using Microsoft.Extensions.Options;

namespace Milestones.Api.Auth;

/// <summary>
/// The one rule for <c>Auth:SigningKey</c>: at least 32 bytes, and outside Development never the published
/// development key. The API refuses to start, and the <c>token</c> command to sign, when it is broken.
/// </summary>
public static class SigningKeyRule
{
    public const int MinBytes = 32;

    /// <summary>Null when the key may be used; otherwise one line naming the setting.</summary>
    public static string? Problem(string? key, bool development)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"Auth:SigningKey (env Auth__SigningKey) is not set; outside Development it must be a secret of at least {MinBytes} bytes.";
        }

        if (!development && key == AuthOptions.DevelopmentSigningKey)
        {
            return "Auth:SigningKey (env Auth__SigningKey) is the published development key; outside Development set a secret of your own.";
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
