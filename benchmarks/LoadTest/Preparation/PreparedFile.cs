using System.Text.Json;

namespace Milestones.LoadTest.Preparation;

/// <summary>
/// Contracts prepared by <c>--prepare-only</c> for a later run (<c>--prepared</c>) against a fresh server process on the
/// same store: the run id names the users (contract <c>i</c> belongs to client and freelancer <c>i mod clients</c>),
/// their deposits are made, and every contract is active and unfunded.
/// </summary>
internal sealed record PreparedFile(string RunId, int Clients, long Amount, string Currency, IReadOnlyList<string> Contracts)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static PreparedFile Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PreparedFile>(File.ReadAllText(path), Json)
                ?? throw new RunFailedException($"--prepared: {path} is empty.");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new RunFailedException($"--prepared: cannot read {path}: {e.Message}");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
    }
}
