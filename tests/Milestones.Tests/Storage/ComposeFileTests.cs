using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Milestones.Silo;

namespace Milestones.Tests.Storage;

/// <summary>What docker-compose.yml promises the hosts: time to stop on their own.</summary>
public sealed partial class ComposeFileTests
{
    [Fact]
    public void SilosAndApis_AreGivenLongerToStop_ThanTheirBoundedStopTakes()
    {
        var compose = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docker-compose.yml"));
        var bound = new HostOptions().ShutdownTimeout + BoundedStop.Grace;

        foreach (var anchor in new[] { "x-silo: &silo", "x-api: &api" })
        {
            var section = compose[compose.IndexOf(anchor, StringComparison.Ordinal)..];
            section = section[..section.IndexOf("\n\n", StringComparison.Ordinal)];
            var grace = GracePeriod().Match(section);
            Assert.True(grace.Success, $"{anchor} has no stop_grace_period");
            Assert.True(TimeSpan.FromSeconds(int.Parse(grace.Groups[1].Value, CultureInfo.InvariantCulture)) > bound, $"{anchor}: {grace.Value} is not past {bound}");
        }
    }

    [GeneratedRegex(@"stop_grace_period: (\d+)s")]
    private static partial Regex GracePeriod();
}
