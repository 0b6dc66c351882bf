using System.Text.Json;
using System.Text.Json.Serialization;

namespace Milestones.LoadTest.Results;

/// <summary>Writes <c>prefix.json</c> (camelCase, machine-readable) and <c>prefix.md</c>.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static (string Json, string Markdown) Write(RunReport report, string prefix)
    {
        var full = Path.GetFullPath(prefix);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var json = full + ".json";
        var markdown = full + ".md";
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(markdown, MarkdownReport.Render(report));
        return (json, markdown);
    }
}
