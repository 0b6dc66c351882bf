using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Milestones.Silo.Storage;

/// <summary>
/// A grain state or remembered answer as stored (and a row of events' JSON where the store keeps them so,
/// <see cref="GrainStateStore.GroupsEvents"/>): Orleans' versioned binary form, compressed when that makes it
/// smaller. Every write of a state rewrites its whole row, so its bytes are the database's log volume.
/// <para>
/// Payloads are a few hundred bytes, too few for a compressor to learn from: most of what they share (Orleans' type
/// and field encodings, event names and JSON keys, the shapes of ids and times) is learnt beforehand, as a zstd
/// dictionary trained on the payloads of varied contracts (<c>benchmarks/dictionary/train.sh</c>) and embedded here.
/// A compressed payload is <c>00 n</c> (zstd with dictionary <c>n</c>), the uncompressed length (LEB128), and a zstd
/// frame without magic number, dictionary id, content size or checksum — each a few bytes every payload would repeat.
/// A released dictionary never changes: a new one gets the next number, and every one stays here to read what it
/// wrote. Reading also takes the deflated form an earlier build wrote (<see cref="DeflateMark"/>) and the plain one
/// (rows written before, or with <c>Storage:CompressStates</c> off).
/// </para>
/// </summary>
internal static class StoredPayload
{
    /// <summary>Shorter payloads are stored as they are (a ledger line's reference is 6 bytes).</summary>
    private const int CompressFrom = 32;

    /// <summary>The dictionary this build writes with.</summary>
    private const byte Dictionary = 1;

    /// <summary>
    /// zstd's default level: on a 488-byte event, 149 bytes in 3.2 µs, where level 9 gives 141 bytes in 19 µs and the
    /// deflate an earlier build used 294 bytes in 14 µs (<c>PayloadBenchmarks</c>).
    /// </summary>
    private const int Level = 3;

    /// <summary>The dictionaries by number, each read once from this assembly; index 0 is unused.</summary>
    private static readonly byte[][] Dictionaries = [[], Load(1)];

    /// <summary>
    /// Compressors with the dictionary loaded, each used by one call at a time. Loading the dictionary builds its tables
    /// (most of a megabyte at this level), so they are kept and shared by every thread rather than made per thread: the
    /// thread pool adds and retires threads all the time under load.
    /// </summary>
    private static readonly ConcurrentBag<Compressor> Compressors = [];

    /// <summary>Decompressors by dictionary number, likewise.</summary>
    private static readonly ConcurrentBag<Decompressor>[] Decompressors = [.. Dictionaries.Select(_ => new ConcurrentBag<Decompressor>())];

    /// <summary>
    /// What a payload an earlier build deflated starts with. Orleans' form of a class or record starts with a field
    /// header naming a reference or a tag-delimited value, never a zero byte, so a plain payload is never taken for a
    /// compressed one; the byte after the zero tells the forms apart (<c>M</c> here, a dictionary's number there).
    /// </summary>
    private static ReadOnlySpan<byte> DeflateMark => [0x00, 0x4D, 0x53, 0x5A];

    public static byte[] Pack(byte[] serialized)
    {
        if (serialized.Length < CompressFrom)
        {
            return serialized;
        }

        var zstd = Compressors.TryTake(out var kept) ? kept : NewCompressor();
        var bound = Compressor.GetCompressBound(serialized.Length) + 7;
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            buffer[0] = 0x00;
            buffer[1] = Dictionary;
            var header = 2 + WriteLength(buffer.AsSpan(2), serialized.Length);
            var length = header + zstd.Wrap(serialized, buffer.AsSpan(header));
            return length < serialized.Length ? buffer[..length] : serialized;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Compressors.Add(zstd);
        }
    }

    /// <summary>Text (an event's JSON) compressed, or null where that does not make it smaller.</summary>
    public static byte[]? PackText(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var packed = Pack(utf8);
        return ReferenceEquals(packed, utf8) ? null : packed;
    }

    public static string UnpackText(byte[] packed) => Encoding.UTF8.GetString(Unpack(packed));

    public static byte[] Unpack(byte[] stored)
    {
        if (stored.Length < 2 || stored[0] != 0x00)
        {
            return stored;
        }

        if (stored.AsSpan().StartsWith(DeflateMark))
        {
            return Inflate(stored);
        }

        var number = stored[1];
        if (number >= Dictionaries.Length || number == 0)
        {
            throw new InvalidDataException($"A stored payload names compression dictionary {number}, which this build does not have.");
        }

        var header = 2 + ReadLength(stored.AsSpan(2), out var length);
        var unpacked = new byte[length];
        var zstd = Decompressors[number].TryTake(out var kept) ? kept : NewDecompressor(number);
        try
        {
            var written = zstd.Unwrap(stored.AsSpan(header), unpacked);
            return written == length ? unpacked
                : throw new InvalidDataException($"A stored payload unpacked to {written} bytes; its header says {length}.");
        }
        finally
        {
            Decompressors[number].Add(zstd);
        }
    }

    private static byte[] Inflate(byte[] stored)
    {
        using var deflate = new DeflateStream(new MemoryStream(stored, DeflateMark.Length, stored.Length - DeflateMark.Length), CompressionMode.Decompress);
        using var unpacked = new MemoryStream(stored.Length * 3);
        deflate.CopyTo(unpacked);
        return unpacked.ToArray();
    }

    private static Compressor NewCompressor()
    {
        var zstd = new Compressor(Level);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_experimentalParam2, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_contentSizeFlag, 0);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 0);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_dictIDFlag, 0);
        zstd.LoadDictionary(Dictionaries[Dictionary]);
        return zstd;
    }

    private static Decompressor NewDecompressor(byte number)
    {
        var zstd = new Decompressor();
        zstd.SetParameter(ZSTD_dParameter.ZSTD_d_experimentalParam1, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
        zstd.LoadDictionary(Dictionaries[number]);
        return zstd;
    }

    private static byte[] Load(int number)
    {
        var name = $"Milestones.Storage.payloads-{number}.zdict";
        using var resource = typeof(StoredPayload).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The compression dictionary {name} is not embedded in this build.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes <paramref name="value"/> seven bits a byte, lowest first (a set high bit: more follow); the bytes written.</summary>
    private static int WriteLength(Span<byte> to, int value)
    {
        var n = 0;
        var rest = (uint)value;
        for (; rest >= 0x80; rest >>= 7)
        {
            to[n++] = (byte)(rest | 0x80);
        }

        to[n++] = (byte)rest;
        return n;
    }

    private static int ReadLength(ReadOnlySpan<byte> from, out int value)
    {
        var result = 0u;
        for (var n = 0; n < 5; n++)
        {
            result |= (uint)(from[n] & 0x7F) << (7 * n);
            if (from[n] < 0x80)
            {
                value = checked((int)result);
                return n + 1;
            }
        }

        throw new InvalidDataException("A stored payload's length runs past five bytes.");
    }
}
