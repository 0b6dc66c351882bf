using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Silo.Storage;
using Milestones.Webhooks;
using Orleans.Serialization;

namespace Milestones.Tests.Storage;

/// <summary>
/// States, answers and events are stored compressed (zstd with the embedded dictionary) when that makes them smaller,
/// and every form reads back: a plain payload (written before, or with compression off) is never taken for a
/// compressed one, because Orleans' form of every stored type starts with a byte the compressed forms do not; a
/// payload an earlier build deflated still reads; and the released dictionary never changes.
/// </summary>
public sealed class StoredPayloadTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static TheoryData<string, byte[]> StoredForms() => new()
    {
        { "an empty contract", Serializer.SerializeToArray(new ContractGrainState()) },
        { "a contract", Serializer.SerializeToArray(Contract()) },
        { "an account", Serializer.SerializeToArray(new AccountState { EarlierKeys = [new IdempotencyRecord("k", "f", null, DateTimeOffset.UnixEpoch)] }) },
        { "a webhook", Serializer.SerializeToArray(new WebhookState { Id = "wh_1", Url = "https://example.com" }) },
        { "a ledger page", Serializer.SerializeToArray(new LedgerPage()) },
        { "a ledger line's reference", Serializer.SerializeToArray(new LedgerLineRef(7)) },
        { "a holds snapshot", Serializer.SerializeToArray(new HoldsSnapshot()) },
        { "a deposit reference", Serializer.SerializeToArray(new DepositReferenceRecord()) },
        { "a registry", Serializer.SerializeToArray(new HashSet<string> { "usr_a" }) },
        { "a list of ids", Serializer.SerializeToArray(new List<string> { "wh_1" }) },
        { "halted contracts", Serializer.SerializeToArray(new List<ContractHalt>()) },
        { "an answer", Serializer.SerializeToArray(KeptAnswer.Of(new IdempotencyRecord("k", "0123456789ABCDEF0123456789ABCDEF", null, DateTimeOffset.UnixEpoch), new ContractResult(new Contract(Contract().Contract, ContractRules.Default).ToView(), null))) },
        { "an answer an earlier build stored", Serializer.SerializeToArray(new ContractResult(new Contract(Contract().Contract, ContractRules.Default).ToView(), null)) },
    };

    [Theory]
    [MemberData(nameof(StoredForms))]
    public void EveryStoredForm_ReadsBackAsItIs_AndLargeOnesAreStoredSmaller(string what, byte[] serialized)
    {
        Assert.NotEqual(0, serialized[0]);
        Assert.Equal(serialized, StoredPayload.Unpack(serialized));

        var packed = StoredPayload.Pack(serialized);
        Assert.Equal(serialized, StoredPayload.Unpack(packed));
        Assert.True(packed.Length <= serialized.Length, what);
        Assert.True(
            serialized.Length < 32 ? packed == serialized : packed.Length < serialized.Length * (serialized.Length < 256 ? 1 : 0.8),
            $"{what}: {serialized.Length} -> {packed.Length} bytes");
    }

    [Theory]
    [MemberData(nameof(StoredForms))]
    public void APayloadAnEarlierBuildDeflated_StillReads(string what, byte[] serialized)
    {
        using var deflated = new MemoryStream();
        deflated.Write([0x00, 0x4D, 0x53, 0x5A]);
        using (var deflate = new System.IO.Compression.DeflateStream(deflated, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(serialized);
        }

        Assert.True(serialized.SequenceEqual(StoredPayload.Unpack(deflated.ToArray())), what);
    }

    [Fact]
    public void PayloadsPackedAndUnpackedOnManyThreadsAtOnce_EachReadBackAsItWas()
    {
        // The compressors and decompressors are shared by every thread, one call at a time each.
        var payloads = Enumerable.Range(0, 64).Select(i => Serializer.SerializeToArray(new ContractResult(
            new Contract(Contract().Contract, ContractRules.Default).ToView() with { Title = $"Shop {i}", Version = i }, null))).ToArray();
        var packed = new byte[payloads.Length][];
        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, n =>
        {
            var i = n % payloads.Length;
            var mine = StoredPayload.Pack(payloads[i]);
            Assert.Equal(payloads[i], StoredPayload.Unpack(mine));
            packed[i] = mine;
        });

        Assert.All(Enumerable.Range(0, payloads.Length), i => Assert.Equal(payloads[i], StoredPayload.Unpack(packed[i])));
    }

    [Fact]
    public void APayloadNamingADictionaryThisBuildLacks_IsRefused_NotMisread()
    {
        var packed = StoredPayload.Pack(Serializer.SerializeToArray(Contract()));
        Assert.Equal([0x00, 0x01], packed[..2]);

        packed[1] = 0x09;
        Assert.Throws<InvalidDataException>(() => StoredPayload.Unpack(packed));
    }

    [Fact]
    public void TheReleasedDictionary_NeverChanges()
    {
        // Rows written with dictionary 1 read only with these exact bytes: a new dictionary takes the next number.
        using var dictionary = typeof(StoredPayload).Assembly.GetManifestResourceStream("Milestones.Storage.payloads-1.zdict")!;
        Assert.Equal("589f40b346dfb8f49bc78cff45dd1367b74bd23a63a7c9ee2bfa8711a60e438b", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(dictionary)));
    }

    [Fact]
    public void APayloadThatDoesNotShrink_IsStoredAsItIs()
    {
        var random = new byte[4_096];
        new Random(7).NextBytes(random);
        random[0] = 1;

        Assert.Same(random, StoredPayload.Pack(random));
    }

    [Fact]
    public void AnEventsJson_IsPackedWhenThatMakesItSmaller_AndReadsBackAsItWas()
    {
        var released = """{"id":"contract:ctr_43ca1dbf9eab53117a2a70c5d1129595:7","type":"milestone.released","at":"2026-12-07T02:41:14.9537062+00:00","actor":"client-39","seq":7,"contractId":"ctr_43ca1dbf9eab53117a2a70c5d1129595","data":{"milestoneId":"m1","amount":"100","reason":"approve","freelancerNet":"90","serviceFee":"10","clientFee":"3","returned":"0","availableAt":"2026-12-12T02:41:14.9536925+00:00"},"notify":["freelancer-39"],"hash":"afa5be892c51da7efb8780034b75d4c2aee2ab07a2e0c2a67f4ec6d14027a7d9"}""";

        var packed = StoredPayload.PackText(released);

        Assert.NotNull(packed);
        Assert.True(packed.Length < released.Length * 0.5, $"{released.Length} -> {packed.Length} bytes");
        Assert.Equal(released, StoredPayload.UnpackText(packed));
        Assert.Null(StoredPayload.PackText("""{"type":"t.short"}"""));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void CompressStates_IsOnUnlessSetOff(string? setting, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Memory", ["Storage:CompressStates"] = setting })
            .Build();

        Assert.Equal(expected, Milestones.Silo.StorageSettings.Resolve(configuration).CompressStates);
    }

    /// <summary>A new contract of three milestones with six idempotency keys: the kind of row every command rewrites.</summary>
    private static ContractGrainState Contract()
    {
        var state = new ContractGrainState();
        var contract = new Contract(state.Contract, ContractRules.Default);
        var due = new DateOnly(2030, 1, 1);
        var now = new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Null(contract.Create(new Caller("client-0123456789"), "ctr_0123456789abcdef0123456789abcdef",
            new CreateContract("Online shop", "freelancer-0123456789", "USD",
                [new NewMilestone("Design", due, 25_000), new NewMilestone("Build", due, 50_000), new NewMilestone("Launch", due, 25_000)]),
            now));
        for (var i = 0; i < 6; i++)
        {
            state.RememberKey(new IdempotencyRecord($"lt-key-{i}-0123456789abcdef", new string('a', 64), null, now));
        }

        return state;
    }
}
