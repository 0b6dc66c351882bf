using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Milestones.LoadTest.Http;

/// <summary>The JSON bodies the load test sends (field names as in the API's design, camelCase).</summary>
internal static class RequestBodies
{
    public static readonly byte[] AcceptVersion1 = """{"termsVersion":1}"""u8.ToArray();
    public static readonly byte[] Submit = """{"message":"Work delivered by the load test"}"""u8.ToArray();

    public static byte[] DevToken(string userId, bool platform) => Write(json =>
    {
        json.WriteString("userId", userId);
        json.WriteBoolean("platform", platform);
    });

    public static byte[] Deposit(long amount, string currency, string reference) => Write(json =>
    {
        json.WriteNumber("amount", amount);
        json.WriteString("currency", currency);
        json.WriteString("reference", reference);
    });

    public static byte[] CreateContract(string freelancerId, string title, string currency, int milestones, long amount, DateOnly dueDate) => Write(json =>
    {
        json.WriteString("freelancerId", freelancerId);
        json.WriteString("title", title);
        json.WriteString("currency", currency);
        json.WriteStartArray("milestones");
        for (var i = 1; i <= milestones; i++)
        {
            json.WriteStartObject();
            json.WriteString("description", $"Milestone {i}");
            json.WriteString("dueDate", dueDate.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteNumber("amount", amount);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    private static byte[] Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
