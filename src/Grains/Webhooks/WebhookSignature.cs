using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Milestones.Webhooks;

/// <summary>
/// The <c>Milestones-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, one <c>v1</c> per
/// signing secret, each over the UTF-8 bytes of <c>"{t}.{body}"</c> keyed by the UTF-8 bytes of the secret.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Milestones-Signature";
    public const string EventIdHeader = "Milestones-Event-Id";

    /// <summary>The header for <paramref name="body"/> (its UTF-8 bytes, as sent) signed at <paramref name="unixSeconds"/>.</summary>
    public static string Sign(long unixSeconds, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var header = new StringBuilder("t=").Append(t);
        foreach (var secret in secrets)
        {
            header.Append(",v1=").Append(Mac(secret, t, body));
        }

        return header.ToString();
    }

    /// <summary>Whether <paramref name="header"/> has a <c>v1</c> that <paramref name="secret"/> made over <paramref name="body"/>.</summary>
    public static bool Verify(string header, string body, string secret)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (t is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Mac(secret, t, Encoding.UTF8.GetBytes(body)));
        return parts.Any(p => p[0] == "v1" && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), expected));
    }

    private static string Mac(string secret, string t, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.ASCII.GetBytes(t + "."), .. body]));
}
