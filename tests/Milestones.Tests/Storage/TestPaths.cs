namespace Milestones.Tests.Storage;

/// <summary>Where the repository and the built silo are, seen from the test assembly.</summary>
internal static class TestPaths
{
    /// <summary>The folder holding Milestones.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// The silo host as its own project built it (src/Silo/bin/{Configuration}/{tfm}), with every dependency beside
    /// it. The copy in the test folder is not runnable on its own: the tests' folder leaves out what the shared
    /// ASP.NET Core framework provides, and the silo does not run on that framework.
    /// </summary>
    public static string SiloDll { get; } = FindSiloDll();

    /// <summary>The API host as its own project built it, like <see cref="SiloDll"/>.</summary>
    public static string ApiDll { get; } = FindDll("Api", "Milestones.Api.dll");

    private static string FindSiloDll() => FindDll("Silo", "Milestones.Silo.dll");

    private static string FindDll(string project, string dll)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent?.Name ?? "Debug";
        return Path.Combine(RepositoryRoot, "src", project, "bin", configuration, framework, dll);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Milestones.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Milestones.sln.");
    }
}
