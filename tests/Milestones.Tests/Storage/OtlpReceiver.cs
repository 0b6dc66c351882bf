using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Milestones.Tests.Storage;

/// <summary>
/// An OTLP/HTTP (protobuf) receiver on loopback for the spans a host exports: the wire format read just far enough
/// for each span's trace id, span id, parent, name and instrumentation scope.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtlpReceiver(WebApplication app) => this.app = app;

    public string Endpoint { get; private set; } = "";

    public ConcurrentQueue<Span> Spans { get; } = new();

    public ConcurrentQueue<string> Paths { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Paths.Enqueue(signal);
            if (signal == "traces")
            {
                foreach (var span in ReadSpans(body.ToArray()))
                {
                    receiver.Spans.Enqueue(span);
                }
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Endpoint = app.Urls.Single();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans { scope(1).name(1), spans(2) }.
    private static IEnumerable<Span> ReadSpans(byte[] request) =>
        from resource in Fields(request).Where(f => f.Number == 1)
        from scopeSpans in Fields(resource.Value).Where(f => f.Number == 2)
        let scope = Fields(scopeSpans.Value).Where(f => f.Number == 1).SelectMany(s => Fields(s.Value)).FirstOrDefault(f => f.Number == 1)
        from span in Fields(scopeSpans.Value).Where(f => f.Number == 2)
        let fields = Fields(span.Value).ToList()
        select new Span(
            Hex(fields, 1), Hex(fields, 2), Hex(fields, 4),
            System.Text.Encoding.UTF8.GetString(fields.FirstOrDefault(f => f.Number == 5).Value.Span),
            scope.Value.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(scope.Value.Span));

    private static string Hex(List<(int Number, ReadOnlyMemory<byte> Value)> fields, int number) =>
        Convert.ToHexString(fields.FirstOrDefault(f => f.Number == number).Value.Span);

    /// <summary>The length-delimited fields of one message (varints and fixed-size values are skipped).</summary>
    private static List<(int Number, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, ReadOnlyMemory<byte>)>();
        var span = message.Span;
        var i = 0;
        while (i < span.Length)
        {
            var key = Varint(span, ref i);
            var (number, type) = ((int)(key >> 3), (int)(key & 7));
            switch (type)
            {
                case 0: Varint(span, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(span, ref i);
                    fields.Add((number, message.Slice(i, length)));
                    i += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {type}");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public sealed record Span(string TraceId, string SpanId, string ParentId, string Name, string Scope);
}
