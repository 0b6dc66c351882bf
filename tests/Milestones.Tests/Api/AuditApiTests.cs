using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Milestones.Tests.Storage;

namespace Milestones.Tests.Api;

/// <summary>
/// <c>GET /v1/contracts/{id}/audit</c>: the contract's hash chain verified, <c>{ok, events, head}</c>; and the same head
/// recomputed from <c>/events</c> alone, as a marketplace would (the README's "Verifying a contract's audit chain").
/// </summary>
public sealed class AuditApiTests(ApiFactory factory) : ApiTest(factory)
{
    /// <summary>
    /// A message JSON must escape (quote, backslash, line ends, tab) and the API's JSON escapes more (non-ASCII, +, &lt;).
    /// Other control characters are refused in new text (Validate.Text); AuditChainTests covers them in older events.
    /// </summary>
    private const string AwkwardMessage = "Done: \"v2\" \\ café 😀 <b>&+\n\tline\r\n";

    [Fact]
    public async Task AfterALifecycle_TheAuditIsOk_WithEveryEvent_AndTheLastEventsHashAsHead()
    {
        var id = await LifecycleAsync();
        var events = await EventsAsync(id);

        foreach (var party in new[] { Client, Freelancer, Platform })
        {
            var audit = await Json(await party.GetAsync($"/v1/contracts/{id}/audit"), HttpStatusCode.OK);

            Assert.True(audit["ok"]!.GetValue<bool>());
            Assert.Equal(events.Count, audit["events"]!.GetValue<long>());
            Assert.Equal(events[^1]["hash"]!.GetValue<string>(), audit["head"]!.GetValue<string>());
            Assert.Null(audit["firstBrokenSeq"]);
        }

        await Problem(await Stranger.GetAsync($"/v1/contracts/{id}/audit"), HttpStatusCode.NotFound, "contract_not_found");
    }

    [Fact]
    public async Task TheHead_RecomputedFromTheEventsJsonAlone_IsTheAuditsHead()
    {
        var id = await LifecycleAsync();

        var head = Head(await EventsAsync(id));

        var audit = await Json(await Freelancer.GetAsync($"/v1/contracts/{id}/audit"), HttpStatusCode.OK);
        Assert.Equal(audit["head"]!.GetValue<string>(), head);
    }

    [Fact]
    public async Task TheReadmesCode_IsTheCodeThisTestRuns()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var test = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "Milestones.Tests", "Api", "AuditApiTests.cs"));

        Assert.Equal(Code(test, "\n    private static string? Head("), Code(readme, "\nstatic string? Head("));

        // From the start of Head to the end of Quote: each line trimmed, without doc comments and "private".
        static string Code(string text, string start)
        {
            const string end = "})) + \"\\\"\";";
            var from = text.IndexOf(start, StringComparison.Ordinal);
            var lines = text[from..(text.IndexOf(end, from, StringComparison.Ordinal) + end.Length)].Split('\n').Select(l => l.Trim());
            return string.Join('\n', lines.Where(l => !l.StartsWith("///", StringComparison.Ordinal))).Replace("private ", "", StringComparison.Ordinal);
        }
    }

    /// <summary>Funded, submitted with <see cref="AwkwardMessage"/>, sent back, submitted again, approved: events with data and messages.</summary>
    private async Task<string> LifecycleAsync()
    {
        await DepositAsync(ClientId, 10_300);
        var id = await CreateActiveAsync(4_000, 6_000);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = AwkwardMessage }), HttpStatusCode.OK);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/request-changes", new { message = "Bigger <logo>" }), HttpStatusCode.OK);
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = "Bigger" }), HttpStatusCode.OK);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/approve", new { message = "Lovely" }), HttpStatusCode.OK);
        return id;
    }

    private async Task<List<JsonNode>> EventsAsync(string id)
    {
        var page = await Json(await Client.GetAsync($"/v1/contracts/{id}/events?limit=500"), HttpStatusCode.OK);
        Assert.Null(page["nextAfter"]);
        var events = page["events"]!.AsArray().Select(e => e!).ToList();
        Assert.Contains(events, e => e["message"]?.GetValue<string>() == AwkwardMessage);
        return events;
    }

    // As the README's "Verifying a contract's audit chain" writes it: keep the two the same.

    /// <summary>The head of the chain the events form (all pages of <c>/events</c>, in order); throws where it breaks.</summary>
    private static string? Head(IEnumerable<JsonNode> events)
    {
        var previous = new byte[32];
        string? head = null;
        foreach (var e in events)
        {
            var data = e["data"]!.AsObject().OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{Quote(d.Key)}:{Quote((string)d.Value!)}");
            var message = e["message"] is { } m ? Quote((string)m!) : "null";
            var canonical = $$"""{"actor":{{Quote((string)e["actor"]!)}},"at":{{Quote((string)e["at"]!)}},"data":{{{string.Join(',', data)}}},"message":{{message}},"seq":{{(long)e["seq"]!}},"type":{{Quote((string)e["type"]!)}}}""";
            previous = SHA256.HashData([.. previous, .. Encoding.UTF8.GetBytes(canonical)]);
            head = Convert.ToHexStringLower(previous);
            if (head != (string?)e["hash"])
            {
                throw new InvalidDataException($"The chain breaks at seq {e["seq"]}.");
            }
        }

        return head;
    }

    /// <summary>A JSON string as RFC 8785 writes it: only the quote, the backslash and control characters escaped.</summary>
    private static string Quote(string text) => "\"" + string.Concat(text.Select(c => c switch
    {
        '"' => "\\\"", '\\' => "\\\\", '\b' => "\\b", '\t' => "\\t", '\n' => "\\n", '\f' => "\\f", '\r' => "\\r",
        < ' ' => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    })) + "\"";
}
