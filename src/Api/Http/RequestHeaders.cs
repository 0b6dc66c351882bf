using System.Globalization;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>Idempotency-Key and If-Match, read into the grains' <see cref="CommandOptions"/>.</summary>
public static class RequestHeaders
{
    public const string IdempotencyKey = "Idempotency-Key";
    public const string Replayed = "Idempotent-Replayed";

    public static Error? TryReadOptions(HttpRequest request, out CommandOptions options)
    {
        options = CommandOptions.None;
        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyKey, out var keys))
        {
            key = keys.ToString();
            if (keys.Count != 1 || key.Length is < 1 or > 255)
            {
                return Errors.Invalid("invalid_idempotency_key", IdempotencyKey, "Idempotency-Key must be one value of 1 to 255 characters.");
            }
        }

        long? expected = null;
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*")
        {
            if (!TryParseETag(ifMatch, out var version))
            {
                return Errors.Invalid("invalid_if_match", "If-Match", "If-Match must be an ETag returned by this API.");
            }

            expected = version;
        }

        options = new CommandOptions(key, expected);
        return null;
    }

    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static bool TryParseETag(string value, out long version)
    {
        var tag = value.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }

        version = 0;
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
