using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Milestones.Contracts;

namespace Milestones.Domain;

/// <summary>
/// A contract's events form a hash chain, so that a changed, removed or reordered event is detectable — also by a
/// marketplace, from the events as <c>GET /v1/contracts/{id}/events</c> serves them:
/// <list type="bullet">
/// <item><c>hash(n)</c> = lowercase hex of SHA-256(<c>previous</c> ‖ <see cref="Canonical"/>(event n)), where
/// <c>previous</c> is the 32 bytes <c>hash(n − 1)</c> decodes to, and 32 zero bytes for the first event.</item>
/// <item>The canonical bytes are the UTF-8 of the JSON object <c>{actor, at, data, message, seq, type}</c> of the event
/// (its <c>hash</c> left out) in the JSON Canonicalization Scheme (RFC 8785): members sorted by their names' UTF-16 code
/// units (the order above; <c>data</c>'s keys ordinally), no white space, strings escaped only where JSON must
/// (<c>\"</c>, <c>\\</c>, <c>\b \t \n \f \r</c>, other control characters as <c>\u00xx</c> in lowercase hex), every
/// other character as itself; <c>message</c> is <c>null</c> when absent; <c>at</c> is the string the API serves
/// (<see cref="At"/>); <c>seq</c> a plain integer.</item>
/// <item>A chain is intact when event n has <c>seq</c> n and the hash the rule gives it; the head is the last event's hash.</item>
/// </list>
/// </summary>
public static class AuditChain
{
    /// <summary>The length of a SHA-256 hash in bytes: the first event's previous hash is this many zero bytes.</summary>
    public const int HashBytes = 32;

    /// <summary>The bytes an event's hash covers (with the previous hash): its JSON in RFC 8785 canonical form.</summary>
    public static byte[] Canonical(ContractEvent e)
    {
        var json = new StringBuilder(256);
        Quote(json.Append("{\"actor\":"), e.Actor);
        Quote(json.Append(",\"at\":"), At(e.At));
        json.Append(",\"data\":{");
        var first = true;
        foreach (var (key, value) in e.Data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Quote(first ? json : json.Append(','), key).Append(':');
            Quote(json, value);
            first = false;
        }

        json.Append("},\"message\":");
        if (e.Message is null)
        {
            json.Append("null");
        }
        else
        {
            Quote(json, e.Message);
        }

        json.Append(",\"seq\":").Append(e.Seq.ToString(CultureInfo.InvariantCulture));
        Quote(json.Append(",\"type\":"), e.Type).Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>The hash of <paramref name="e"/> following <paramref name="previousHash"/> (null for the first event).</summary>
    public static string Next(string? previousHash, ContractEvent e)
    {
        var canonical = Canonical(e);
        var input = new byte[HashBytes + canonical.Length];
        if (previousHash is not null)
        {
            Convert.FromHexString(previousHash).CopyTo(input, 0);
        }

        canonical.CopyTo(input, HashBytes);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>
    /// Checks the chain from the first event: the first event whose seq is not its position (one-based) or whose
    /// hash is not the one the rule gives it breaks it, and is reported by that position.
    /// </summary>
    public static AuditReport Verify(IReadOnlyList<ContractEvent> events)
    {
        string? previous = null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Seq != i + 1 || e.Hash is null || e.Hash != Next(previous, e))
            {
                return new AuditReport(false, events.Count, events[^1].Hash, i + 1);
            }

            previous = e.Hash;
        }

        return new AuditReport(true, events.Count, previous, null);
    }

    /// <summary>
    /// Events stored before the chain existed carry no hash: a log with no hash at all gets its hashes, in order, by the
    /// rule (the same every time, so they need not be stored before the contract's next write). A log with any hash is
    /// left as it is: a hash removed from it is a break, not a gap to fill.
    /// </summary>
    public static void HashLegacy(List<ContractEvent> events)
    {
        if (events.Count == 0 || events.Exists(e => e.Hash is not null))
        {
            return;
        }

        string? previous = null;
        for (var i = 0; i < events.Count; i++)
        {
            events[i] = events[i] with { Hash = previous = Next(previous, events[i]) };
        }
    }

    /// <summary>
    /// An event's time as the API's JSON writes it (System.Text.Json): ISO 8601 with the offset, the fraction of a second
    /// only as far as it is not zero (none when whole), e.g. <c>2030-01-15T09:00:00+00:00</c>, <c>2030-01-15T09:00:00.5+00:00</c>.
    /// </summary>
    public static string At(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>A JSON string as RFC 8785 writes it: only what JSON requires is escaped.</summary>
    private static StringBuilder Quote(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                '\b' => json.Append("\\b"),
                '\t' => json.Append("\\t"),
                '\n' => json.Append("\\n"),
                '\f' => json.Append("\\f"),
                '\r' => json.Append("\\r"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        return json.Append('"');
    }
}
