using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using Milestones.Silo.Storage;

namespace Milestones.Benchmarks;

/// <summary>
/// What storing a payload costs the silo's CPU: packing and unpacking one event's JSON as this build does (zstd with
/// the embedded dictionary) against the deflate an earlier build used (the baseline). Sizes are in the report's
/// <c>Bytes</c> column (the return value's length, printed by the setup).
/// </summary>
[MemoryDiagnoser]
public class PayloadBenchmarks
{
    private const string Event = """{"id":"contract:ctr_43ca1dbf9eab53117a2a70c5d1129595:7","type":"milestone.released","at":"2026-12-07T02:41:14.9537062+00:00","actor":"client-39","seq":7,"contractId":"ctr_43ca1dbf9eab53117a2a70c5d1129595","data":{"milestoneId":"m1","amount":"100","reason":"approve","freelancerNet":"90","serviceFee":"10","clientFee":"3","returned":"0","availableAt":"2026-12-12T02:41:14.9536925+00:00"},"notify":["freelancer-39"],"hash":"afa5be892c51da7efb8780034b75d4c2aee2ab07a2e0c2a67f4ec6d14027a7d9"}""";

    private readonly byte[] utf8 = Encoding.UTF8.GetBytes(Event);
    private byte[] packed = [];

    [GlobalSetup]
    public void Setup()
    {
        packed = StoredPayload.Pack(utf8);
        Console.WriteLine($"// event: {utf8.Length} bytes; zstd with dictionary {packed.Length}; deflate {Deflate().Length}");
    }

    [Benchmark(Baseline = true)]
    public byte[] Deflate()
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(utf8);
        }

        return output.ToArray();
    }

    [Benchmark]
    public byte[] Pack() => StoredPayload.Pack(utf8);

    [Benchmark]
    public byte[] Unpack() => StoredPayload.Unpack(packed);
}
