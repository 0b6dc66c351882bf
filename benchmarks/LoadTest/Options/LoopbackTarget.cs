using System.Net;

namespace Milestones.LoadTest.Options;

/// <summary>
/// The tool only loads the machine it runs on: 127.0.0.0/8, ::1 or <c>localhost</c> (which must resolve to loopback
/// addresses only). Any other host is refused, so it cannot be pointed at someone else's server.
/// </summary>
internal static class LoopbackTarget
{
    public static Uri Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--target: '{value}' is not an http:// or https:// URL.");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new UsageException($"--target: give the server's base address only (such as http://127.0.0.1:5080), not '{value}'.");
        }

        if (!IsLoopback(uri.IdnHost))
        {
            throw new UsageException(
                $"--target: '{uri.Host}' is not a loopback address. This tool only runs against this machine " +
                "(127.0.0.0/8, ::1 or localhost); run it on the machine that serves the API.");
        }

        return uri;
    }

    private static bool IsLoopback(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }

        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var resolved = Dns.GetHostAddresses(host);
        return resolved.Length > 0 && resolved.All(IPAddress.IsLoopback);
    }
}
