namespace Milestones.Tests.Storage;

/// <summary>
/// What the Dockerfile promises (no Docker engine needed): the restore's layer depends on the project files only,
/// and the images docker-compose.yml runs are not root's.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "Dockerfile"))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .ToArray();

    [Theory]
    [InlineData("silo")]
    [InlineData("api")]
    public void TheStagesComposeRuns_EndAsTheImagesUnprivilegedUser(string target)
    {
        var stage = Stage(target);

        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", stage[0], StringComparison.Ordinal);
        Assert.Equal("USER $APP_UID", stage.Last(line => line.StartsWith("USER ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheRestore_ComesBeforeTheSources_FromTheFilesItReads_AndThePublishDoesNotRestoreAgain()
    {
        var restore = Array.FindIndex(Lines, line => line.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var sources = Array.IndexOf(Lines, "COPY src/ src/");

        Assert.InRange(restore, 0, sources - 1);
        Assert.DoesNotContain("COPY . .", Lines);
        var copiedFirst = Lines[..restore].Where(line => line.StartsWith("COPY ", StringComparison.Ordinal)).ToList();
        Assert.All(RestoreInputs(), file => Assert.Contains(copiedFirst, line => line.Split(' ').Contains(file)));
        var publishes = Lines.Where(line => line.Contains("dotnet publish", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(publishes);
        Assert.All(publishes, line => Assert.Equal(line.Split("dotnet publish").Length, line.Split("--no-restore").Length));
    }

    /// <summary>
    /// What MSBuild reads to restore: the SDK pin, every props file and every project under src/ that the build context
    /// has (.dockerignore keeps the client package out).
    /// </summary>
    private static IEnumerable<string> RestoreInputs()
    {
        var ignored = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, ".dockerignore")).Where(line => line.StartsWith("src/", StringComparison.Ordinal)).ToList();
        return new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" }.Concat(
            Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src"), "*.*", SearchOption.AllDirectories)
                .Where(path => path.EndsWith(".csproj", StringComparison.Ordinal) || path.EndsWith(".props", StringComparison.Ordinal))
                .Where(path => !path.Split(Path.DirectorySeparatorChar).Intersect(["bin", "obj"]).Any())
                .Select(path => Path.GetRelativePath(TestPaths.RepositoryRoot, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(path => !ignored.Any(folder => path.StartsWith(folder, StringComparison.Ordinal))));
    }

    /// <summary>The lines of the stage named <paramref name="name"/>, its FROM first.</summary>
    private static string[] Stage(string name)
    {
        var from = Array.FindIndex(Lines, line => line.StartsWith("FROM ", StringComparison.Ordinal) && line.EndsWith($" AS {name}", StringComparison.Ordinal));
        Assert.True(from >= 0, $"the Dockerfile has no stage {name}");
        var next = Array.FindIndex(Lines, from + 1, line => line.StartsWith("FROM ", StringComparison.Ordinal));
        return Lines[from..(next < 0 ? Lines.Length : next)];
    }
}
