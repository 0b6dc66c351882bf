using System.Net;
using System.Net.Sockets;

namespace Milestones.Webhooks;

/// <summary>Which webhook targets are acceptable: http(s) URLs, and (unless allowed) no private, loopback or link-local address.</summary>
public static class WebhookTargets
{
    /// <summary>Null if <paramref name="url"/> may be a target; else why not.</summary>
    public static string? Refusal(string url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2048)
        {
            return "url must be an absolute http or https URL of at most 2048 characters.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "url must not carry credentials or a fragment.";
        }

        // A host may end with the root's dot ("localhost.", "127.0.0.1."): the Uri takes it for a name.
        var host = uri.IdnHost.TrimEnd('.');
        var privateName = IPAddress.TryParse(host, out var address)
            ? !IsPublic(address)
            : host is "localhost" || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return privateName && !allowPrivate ? "url must not point at a private, loopback or link-local address." : null;
    }

    /// <summary>
    /// The one address rule, at creation (a literal address in the URL) and at every connection (each address a name
    /// resolves to). An IPv6 address that carries an IPv4 one is judged by what it carries (see <see cref="EmbeddedIPv4"/>).
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (EmbeddedIPv4(address) is { Length: > 0 } embedded)
        {
            return embedded.All(IsPublic);
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }

    /// <summary>
    /// The IPv4 addresses an IPv6 address reaches through a translator or tunnel: IPv4-mapped (::ffff:0:0/96) and
    /// IPv4-compatible (::/96, but :: and ::1 are themselves), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48)
    /// in the last 32 bits, 6to4 (2002::/16) in bits 16-47, and Teredo (2001::/32): its server in bits 32-63 and its
    /// client, inverted, in the last 32 bits. None for any other address.
    /// </summary>
    private static IPAddress[] EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [];
        }

        var b = address.GetAddressBytes();
        IPAddress At(int offset, byte invert = 0) =>
            new([(byte)(b[offset] ^ invert), (byte)(b[offset + 1] ^ invert), (byte)(b[offset + 2] ^ invert), (byte)(b[offset + 3] ^ invert)]);
        bool Zero(int from, int to) => b.AsSpan(from, to - from).IndexOfAnyExcept((byte)0) < 0;
        bool Starts(params byte[] prefix) => b.AsSpan().StartsWith(prefix);

        var mapped = Zero(0, 10) && b[10] == 0xff && b[11] == 0xff;
        var compatible = Zero(0, 12) && !(Zero(12, 15) && b[15] <= 1);
        var nat64 = Starts(0x00, 0x64, 0xff, 0x9b) && (Zero(4, 12) || (b[4] == 0x00 && b[5] == 0x01));
        if (mapped || compatible || nat64)
        {
            return [At(12)];
        }

        if (Starts(0x20, 0x02))
        {
            return [At(2)];
        }

        return Starts(0x20, 0x01, 0x00, 0x00) ? [At(4), At(12, invert: 0xff)] : [];
    }
}
