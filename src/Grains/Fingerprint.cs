using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Milestones;

/// <summary>A stable digest of a command and its arguments, to tell a retry from a different command under the same key.</summary>
internal static class Fingerprint
{
    public static string Of(string command, object? arguments)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\n" + JsonSerializer.Serialize(arguments));
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
