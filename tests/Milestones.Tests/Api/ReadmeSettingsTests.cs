using System.Reflection;
using Milestones.Api.Auth;
using Milestones.Tests.Storage;
using Milestones.Webhooks;

namespace Milestones.Tests.Api;

/// <summary>Every setting an options class binds is in the README's settings table, so an operator can find it.</summary>
public sealed class ReadmeSettingsTests
{
    public static TheoryData<string, Type> Sections => new()
    {
        { MilestonesOptions.Section, typeof(MilestonesOptions) },
        { FeesOptions.Section, typeof(FeesOptions) },
        { WebhooksOptions.Section, typeof(WebhooksOptions) },
        { AuthOptions.Section, typeof(AuthOptions) },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public async Task EverySettingOfTheSection_HasARowInTheReadmesTable(string section, Type options)
    {
        var rows = (await File.ReadAllLinesAsync(Path.Combine(TestPaths.RepositoryRoot, "README.md")))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|')[1])
            .ToList();
        var settings = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true);

        Assert.All(settings, p => Assert.Contains(rows, keys => keys.Contains($"`{section}:{p.Name}`", StringComparison.Ordinal)));
    }
}
