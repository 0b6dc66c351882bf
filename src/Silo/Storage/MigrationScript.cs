namespace Milestones.Silo.Storage;

/// <summary>One embedded, numbered schema script.</summary>
/// <param name="Version">The number the file name starts with (0001_... is 1).</param>
/// <param name="Name">The file name without extension, e.g. <c>0001_orleans_persistence</c>.</param>
/// <param name="Sql">The script text, line endings normalised to LF.</param>
/// <param name="Checksum">Lower-case hex SHA-256 of <paramref name="Sql"/> in UTF-8.</param>
internal sealed record MigrationScript(int Version, string Name, string Sql, string Checksum);
