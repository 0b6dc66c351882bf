using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Milestones;

/// <summary>
/// A stable digest of a command and its arguments, to tell a retry from a different command under the same key:
/// the first 128 bits of its SHA-256, which no two requests a client sends will share by chance. Every key a grain
/// remembers is rewritten with its row by each command, so the digest's size is paid on every write.
/// </summary>
internal static class Fingerprint
{
    /// <summary>Bytes of the digest kept.</summary>
    private const int Length = 16;

    public static string Of(string command, object? arguments)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\n" + JsonSerializer.Serialize(arguments));
        return Convert.ToHexString(SHA256.HashData(bytes).AsSpan(0, Length));
    }

    /// <summary>
    /// Whether a remembered fingerprint is that of the command fingerprinted now: the same, or the whole digest an
    /// earlier build stored (its first 128 bits are this build's fingerprint).
    /// </summary>
    public static bool Matches(string remembered, string fingerprint) =>
        remembered.Length == 4 * Length && fingerprint.Length == 2 * Length ? remembered.StartsWith(fingerprint, StringComparison.Ordinal) : remembered == fingerprint;
}
