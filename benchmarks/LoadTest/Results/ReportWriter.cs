using System.Text.Json;
using System.Text.Json.Serialization;
using Milestones.LoadTest.Report;

namespace Milestones.LoadTest.Results;

/// <summary>Writes <c>prefix.json</c> (camelCase, machine-readable), <c>prefix.md</c> and the chart <c>prefix.png</c>.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(RunReport report, string prefix)
    {
        var full = Path.GetFullPath(prefix);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full + ".json", JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(full + ".md", MarkdownReport.Render(report));
        Chart.SaveRun(report, full + ".png");
        return $"{full}.json, {full}.md and {full}.png";
    }
}
