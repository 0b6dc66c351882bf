namespace Milestones;

/// <summary>The one named grain storage every grain type uses, each under its own state name.</summary>
public static class StorageNames
{
    public const string Grains = "milestones";
}
