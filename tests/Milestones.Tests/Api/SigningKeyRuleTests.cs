using Milestones.Api.Auth;
using Milestones.Tests.Storage;

namespace Milestones.Tests.Api;

/// <summary>
/// The signing-key rule on its own: outside Development no key that was ever published in this repository signs a
/// token, and the compose file writes none of them (its key is the operator's secret: ComposeFileTests).
/// </summary>
public sealed class SigningKeyRuleTests
{
    /// <summary>What docker-compose.yml once fell back to when MILESTONES_SIGNING_KEY was unset.</summary>
    private const string OldComposePlaceholder = "change-me-to-a-long-random-secret-of-32-chars-or-more";

    [Theory]
    [InlineData(AuthOptions.DevelopmentSigningKey)]
    [InlineData(OldComposePlaceholder)]
    public void OutsideDevelopment_AKeyPublishedInTheRepository_IsRefused(string key) =>
        Assert.Contains("is a published key", SigningKeyRule.Problem(key, development: false), StringComparison.Ordinal);

    [Fact]
    public void OutsideDevelopment_ASecretOfItsOwn_IsAccepted() =>
        Assert.Null(SigningKeyRule.Problem("a-secret-of-our-own-that-is-long-enough-0123456789", development: false));

    [Fact]
    public void TheComposeFile_WritesNoKey_LeastOfAllAPublishedOne()
    {
        var compose = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docker-compose.yml"));

        Assert.DoesNotContain("Auth__SigningKey:", compose, StringComparison.Ordinal);
        Assert.DoesNotContain(OldComposePlaceholder, compose, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthOptions.DevelopmentSigningKey, compose, StringComparison.Ordinal);
    }
}
