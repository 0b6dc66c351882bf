using System.Buffers;
using System.Text;
using Milestones.Contracts;
using Milestones.Events;

namespace Milestones.Silo.Storage;

/// <summary>
/// A stream's name as PostgreSQL's feed keeps it (<c>feedevent.stream</c>, schema 0014): a contract's stream whose id
/// the API hands out (<c>ctr_</c> and 32 hex digits) as the byte 1 and the id's 16 bytes, an account's as the byte 2
/// and its id in UTF-8, any other as its name in UTF-8 (a name never starts with either byte). The name is in every
/// event's row and in its entry of the streams' index, which random contract ids spread over the whole index: 17
/// bytes where the text took 46 (35 per contract event, about 580 bytes of log per lifecycle with its page splits).
/// </summary>
internal static class FeedStream
{
    private const byte Contract = 1;
    private const byte Account = 2;
    private const string ContractIds = FeedEvents.KeptStreams + GrainKeys.ContractPrefix;

    /// <summary>What the streams the feed's retention spares (<see cref="FeedEvents.KeptStreams"/>, a contract's) start with, in the first form…</summary>
    public static byte[] KeptContracts { get; } = [Contract];

    /// <summary>…and in the last.</summary>
    public static byte[] KeptNames { get; } = Encoding.UTF8.GetBytes(FeedEvents.KeptStreams);

    public static byte[] Encode(string stream)
    {
        if (stream.Length == ContractIds.Length + 32 && stream.StartsWith(ContractIds, StringComparison.Ordinal) && IsLowerHex(stream.AsSpan(ContractIds.Length)))
        {
            var stored = new byte[17];
            stored[0] = Contract;
            Convert.FromHexString(stream.AsSpan(ContractIds.Length), stored.AsSpan(1), out _, out _);
            return stored;
        }

        if (!stream.StartsWith(FeedEvents.AccountStreams, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(stream);
        }

        var accountId = stream.AsSpan(FeedEvents.AccountStreams.Length);
        var account = new byte[1 + Encoding.UTF8.GetByteCount(accountId)];
        account[0] = Account;
        Encoding.UTF8.GetBytes(accountId, account.AsSpan(1));
        return account;
    }

    public static string Decode(ReadOnlySpan<byte> stored) => stored switch
    {
        [Contract, .. var id] => ContractIds + Convert.ToHexStringLower(id),
        [Account, .. var id] => FeedEvents.AccountStreams + Encoding.UTF8.GetString(id),
        _ => Encoding.UTF8.GetString(stored),
    };

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(LowerHex);
}
