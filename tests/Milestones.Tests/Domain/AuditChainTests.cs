using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// The audit chain: each event's hash is SHA-256 of the previous hash (32 zero bytes before the first) and the event's
/// RFC 8785 canonical JSON; a changed, removed or reordered event breaks it at its seq.
/// </summary>
public sealed class AuditChainTests
{
    /// <summary>The fields an event could be tampered with in, each changed alone.</summary>
    public static TheoryData<string> Fields => new() { "seq", "at", "actor", "type", "data key", "data value", "message" };

    [Fact]
    public void ALifecycle_Verifies_AndItsHeadIsTheLastEventsHash()
    {
        var events = Lifecycle();

        var report = AuditChain.Verify(events);

        Assert.Equal(new AuditReport(true, events.Count, events[^1].Hash, null), report);
        Assert.All(events, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        Assert.Equal(events.Count, events.Select(e => e.Hash).Distinct().Count());
    }

    [Fact]
    public void TheFirstHash_IsSha256OfZeroBytesAndTheCanonicalJson_AsTheRuleSays()
    {
        var created = ContractBuilder.New().Draft().State.Events[0];
        const string canonical =
            """{"actor":"client-1","at":"2030-01-01T09:00:00+00:00","data":{"currency":"USD","price":"60000"},"message":null,"seq":1,"type":"contract.created"}""";

        Assert.Equal(canonical, Encoding.UTF8.GetString(AuditChain.Canonical(created)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. new byte[32], .. Encoding.UTF8.GetBytes(canonical)])), created.Hash);
        // The example of the README ("Verifying a contract's audit chain").
        Assert.Equal("e0d50c1ebccf51ac7e7b7e6c8958ed45c4006454442afe30a097727f144763d0", created.Hash);
    }

    [Fact]
    public void TheNextHash_CoversThePreviousOne()
    {
        var events = ContractBuilder.New().Active().State.Events;
        var second = events[1];
        var canonical = AuditChain.Canonical(second);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. Convert.FromHexString(events[0].Hash!), .. canonical])), second.Hash);
    }

    [Fact]
    public void Strings_AreEscapedOnlyWhereJsonMust_AsRfc8785Says_AndDataKeysAreSortedOrdinally()
    {
        var e = new ContractEvent(7, new DateTimeOffset(2030, 1, 2, 3, 4, 5, 600, TimeSpan.Zero), "bob", "milestone.submitted",
            new Dictionary<string, string> { ["b"] = "2", ["B"] = "1", ["a"] = "é" },
            "Line 1\n\"quoted\" \\ tab\t \u0001\u001f\u007f café 😀 <b>&+\b\f\r");

        Assert.Equal(
            "{\"actor\":\"bob\",\"at\":\"2030-01-02T03:04:05.6+00:00\",\"data\":{\"B\":\"1\",\"a\":\"é\",\"b\":\"2\"},"
            + "\"message\":\"Line 1\\n\\\"quoted\\\" \\\\ tab\\t \\u0001\\u001f\u007f café 😀 <b>&+\\b\\f\\r\",\"seq\":7,\"type\":\"milestone.submitted\"}",
            Encoding.UTF8.GetString(AuditChain.Canonical(e)));
    }

    [Fact]
    public void At_IsTheStringTheApisJsonWrites()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        DateTimeOffset[] times =
        [
            Now, Now.AddTicks(1), Now.AddMilliseconds(500), Now.AddTicks(1_234_500), new(2030, 6, 30, 23, 59, 59, TimeSpan.FromHours(2)),
            new(2030, 6, 30, 23, 59, 59, TimeSpan.FromMinutes(-330)), DateTimeOffset.UnixEpoch, new(1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ];

        Assert.All(times, at => Assert.Equal(JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(at, web)), AuditChain.At(at)));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void ChangingOneFieldOfAnyEvent_BreaksTheChainAtThatSeq(string field)
    {
        var events = Lifecycle();
        for (var i = 0; i < events.Count; i++)
        {
            var tampered = events.ToList();
            tampered[i] = Tamper(events[i], field);

            Assert.Equal(new AuditReport(false, events.Count, tampered[^1].Hash, i + 1), AuditChain.Verify(tampered));
        }
    }

    [Fact]
    public void RemovingAnEvent_BreaksTheChainAtItsSeq_ButDroppingTheLastOnesLeavesAShorterChain_SoKeepTheHead()
    {
        var events = Lifecycle();
        for (var i = 0; i < events.Count - 1; i++)
        {
            var removed = events.Where((_, j) => j != i).ToList();

            Assert.Equal(i + 1, AuditChain.Verify(removed).FirstBrokenSeq);
        }

        var truncated = AuditChain.Verify(events.SkipLast(1).ToList());
        Assert.True(truncated.Ok);
        Assert.NotEqual(events[^1].Hash, truncated.Head);
    }

    [Fact]
    public void SwappingTwoEvents_BreaksTheChainAtTheFirstOfThem()
    {
        var events = Lifecycle();
        for (var i = 0; i < events.Count - 1; i++)
        {
            var swapped = events.ToList();
            (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);

            Assert.Equal(i + 1, AuditChain.Verify(swapped).FirstBrokenSeq);
        }
    }

    [Fact]
    public void AnEventWithoutAHash_OrWithAnotherEventsHash_Breaks()
    {
        var events = Lifecycle();

        Assert.Equal(3, AuditChain.Verify(events.Select((e, i) => i == 2 ? e with { Hash = null } : e).ToList()).FirstBrokenSeq);
        Assert.Equal(3, AuditChain.Verify(events.Select((e, i) => i == 2 ? e with { Hash = events[3].Hash } : e).ToList()).FirstBrokenSeq);
        Assert.Equal(3, AuditChain.Verify(events.Select((e, i) => i == 2 ? e with { Hash = e.Hash!.ToUpperInvariant() } : e).ToList()).FirstBrokenSeq);
    }

    [Fact]
    public void NoEvents_IsAnIntactChainWithoutAHead()
    {
        Assert.Equal(new AuditReport(true, 0, null, null), AuditChain.Verify([]));
    }

    [Fact]
    public void ALogStoredBeforeTheChain_GetsTheHashesItWouldHaveHad_AndAPartlyHashedOneIsLeftBroken()
    {
        var events = Lifecycle();
        var legacy = events.Select(e => e with { Hash = null }).ToList();

        AuditChain.HashLegacy(legacy);

        Assert.Equal(events.Select(e => e.Hash), legacy.Select(e => e.Hash));
        var partly = events.Select((e, i) => i == 4 ? e with { Hash = null } : e).ToList();
        AuditChain.HashLegacy(partly);
        Assert.Equal(5, AuditChain.Verify(partly).FirstBrokenSeq);
    }

    [Fact]
    public void EveryEventTheContractRecords_ExtendsTheChain()
    {
        var contract = ContractBuilder.New().Submitted(1);
        var head = AuditChain.Verify(contract.State.Events).Head;

        Ok(contract.RequestChanges(Client, new RequestChanges("m1", "Bigger logo"), Now));

        var report = AuditChain.Verify(contract.State.Events);
        Assert.True(report.Ok);
        Assert.Equal(AuditChain.Next(head, contract.LastEvent()), report.Head);
    }

    /// <summary>A contract from offer to end, with messages, a change request, fees and an auto-release.</summary>
    private static List<ContractEvent> Lifecycle()
    {
        var contract = ContractBuilder.New().Released(1);
        var t = Now.AddDays(1);
        Ok(contract.ProposeChange(Freelancer, new ProposeChange("Drop m3", [new ChangeOperation(ChangeOperationKind.Delete, "m3")]), t));
        Ok(contract.DeclineChange(Client, "cr1", "Keep it", t = t.AddHours(1)));
        contract.FundApplied(2, t = t.AddHours(1));
        contract.SubmitOk(2, t = t.AddHours(1));
        Ok(contract.AutoRelease(t = t.AddDays(14)));
        contract.TransferApplied(t);
        contract.EndApplied(Platform, HeldFunds.Refund, "Closing", t.AddHours(1));
        return contract.State.Events.ToList();
    }

    private static ContractEvent Tamper(ContractEvent e, string field)
    {
        var data = new Dictionary<string, string>(e.Data);
        return field switch
        {
            "seq" => e with { Seq = e.Seq + 100 },
            "at" => e with { At = e.At.AddTicks(1) },
            "actor" => e with { Actor = e.Actor + "x" },
            "type" => e with { Type = e.Type + "x" },
            "data key" => e with { Data = data.Count == 0 ? new Dictionary<string, string> { [""] = "" } : Renamed(data) },
            "data value" => e with { Data = data.Count == 0 ? new Dictionary<string, string> { ["x"] = "" } : Changed(data) },
            "message" => e with { Message = e.Message is null ? "" : null },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        static Dictionary<string, string> Renamed(Dictionary<string, string> data) =>
            data.ToDictionary(d => d.Key == data.Keys.First() ? d.Key + "x" : d.Key, d => d.Value);

        static Dictionary<string, string> Changed(Dictionary<string, string> data) =>
            data.ToDictionary(d => d.Key, d => d.Key == data.Keys.First() ? d.Value + "0" : d.Value);
    }
}
