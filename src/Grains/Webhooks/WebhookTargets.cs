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

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
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
}
