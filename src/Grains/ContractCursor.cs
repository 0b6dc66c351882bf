using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Milestones.Contracts;

namespace Milestones;

/// <summary>
/// The "My Jobs" paging cursor: the sort key of the last contract a page showed (its creation time, then its id),
/// never a position in the list, so a contract that changes status or leaves the filter between pages moves no
/// other contract. Opaque to clients: base64url of the key with a checksum, so a changed cursor is refused
/// instead of being read as some other position.
/// </summary>
internal static class ContractCursor
{
    private const byte Version = 1;

    public static string Of(ContractSummary last)
    {
        var id = Encoding.UTF8.GetBytes(last.ContractId);
        var bytes = new byte[1 + 8 + id.Length + 4];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), last.CreatedAt.UtcTicks);
        id.CopyTo(bytes, 9);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), XxHash32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        return Encode(bytes);
    }

    /// <summary>The key a cursor names, or false for anything this API did not hand out.</summary>
    public static bool TryRead(string cursor, out long createdAtTicks, out string contractId)
    {
        createdAtTicks = 0;
        contractId = "";
        if (cursor.Length is 0 or > 400 || cursor.Length % 4 == 1 || cursor.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        var base64 = cursor.Replace('-', '+').Replace('_', '/').PadRight(cursor.Length + ((4 - (cursor.Length % 4)) % 4), '=');
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }

        // Only the one spelling this API hands out: unused low bits of the last character must not hide a change.
        if (Encode(bytes) != cursor || bytes.Length < 1 + 8 + 1 + 4 || bytes[0] != Version
            || BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(bytes.Length - 4)) != XxHash32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)))
        {
            return false;
        }

        try
        {
            contractId = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 9, bytes.Length - 13);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        createdAtTicks = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        return true;
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
