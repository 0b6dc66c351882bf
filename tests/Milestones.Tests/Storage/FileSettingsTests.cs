using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary><c>NAME_FILE=path</c>: a setting read from a file (a container secret), or start-up stopped naming the variable.</summary>
public sealed class FileSettingsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("milestones-file-settings-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void AVariableNamingAFile_SetsTheSettingOfItsName_ToTheContentLessOneTrailingNewline()
    {
        var settings = FileSettings.Read(new Hashtable
        {
            ["Storage__Password_FILE"] = Write("password", "s3cret\n"),
            ["ConnectionStrings__Milestones_FILE"] = Write("connection", "Host=db\r\n"),
            ["Auth__SigningKey_FILE"] = Write("key", "two lines\n\n"),
        });

        Assert.Equal("s3cret", settings["Storage:Password"]);
        Assert.Equal("Host=db", settings["ConnectionStrings:Milestones"]);
        Assert.Equal("two lines\n", settings["Auth:SigningKey"]);
    }

    [Fact]
    public void AMissingFile_StopsStartUp_NamingTheVariableAndThePath()
    {
        var missing = Path.Combine(folder.FullName, "missing");

        var error = Assert.Throws<StartupException>(() => FileSettings.Read(new Hashtable { ["Storage__Password_FILE"] = missing }));

        Assert.StartsWith($"Storage__Password_FILE names the file '{missing}', which cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVariableSetBesideItsFile_StopsStartUp_NamingBoth()
    {
        var error = Assert.Throws<StartupException>(() => FileSettings.Read(new Hashtable
        {
            ["Auth__SigningKey"] = "a-key-given-twice-0123456789abcdef",
            ["Auth__SigningKey_FILE"] = Write("key", "another-key-0123456789abcdef0123"),
        }));

        Assert.Equal("both Auth__SigningKey and Auth__SigningKey_FILE are set; set one of them.", error.Message);
    }

    [Fact]
    public void OtherProgramsFileVariables_WithoutASection_AreLeftAlone()
    {
        var settings = FileSettings.Read(new Hashtable { ["SSL_CERT_FILE"] = Path.Combine(folder.FullName, "missing"), ["HOME"] = "/root" });

        Assert.Empty(settings);
    }

    [Fact]
    public void InAHost_TheFilesRankAsTheEnvironmentVariables_OverAppSettings_UnderTheCommandLine()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Password"] = "from-appsettings" })
            .Add(new EnvironmentVariablesConfigurationSource { Prefix = "MILESTONES_TESTS_NO_SUCH_PREFIX_" })
            .AddCommandLine(["--Auth:SigningKey=from-the-command-line"]);

        var configuration = builder.AddFileSettings(new Hashtable
        {
            ["Storage__Password_FILE"] = Write("password", "from-a-file"),
            ["Auth__SigningKey_FILE"] = Write("key", "from-a-file-too"),
        }).Build();

        Assert.Equal("from-a-file", configuration["Storage:Password"]);
        Assert.Equal("from-the-command-line", configuration["Auth:SigningKey"]);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
