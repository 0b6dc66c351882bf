using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Milestones.Silo.Storage;

/// <summary>
/// Finds the schema scripts embedded as <c>Milestones.Sql.{Kind}/{NNNN_name}.sql</c>
/// (MSBuild may use '\' instead of '/').
/// </summary>
internal static class MigrationScriptCatalog
{
    internal const string ResourcePrefix = "Milestones.Sql.";

    public static IReadOnlyList<MigrationScript> Load(StorageProvider kind)
    {
        var assembly = typeof(MigrationScriptCatalog).Assembly;
        var folder = ResourcePrefix + kind.ToString() + "/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalised = resource.Replace('\\', '/');
            if (!normalised.StartsWith(folder, StringComparison.Ordinal) ||
                !normalised.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = normalised[folder.Length..];
            if (fileName.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            var name = Path.GetFileNameWithoutExtension(fileName);
            scripts.Add(Create(ParseVersion(resource, name), name, Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Two {kind} schema scripts share version {scripts[i].Version}: '{scripts[i - 1].Name}' and '{scripts[i].Name}'.");
            }
        }

        return scripts;
    }

    internal static MigrationScript Create(int version, string name, string text)
    {
        var sql = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new MigrationScript(version, name, sql, checksum);
    }

    private static int ParseVersion(string resource, string name)
    {
        var digits = name.IndexOf('_', StringComparison.Ordinal) is var underscore and > 0 ? name[..underscore] : name;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
        {
            throw new InvalidOperationException(
                $"Embedded schema script '{resource}' must be named NNNN_description.sql with NNNN > 0.");
        }

        return version;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' could not be opened.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
