using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>The API outside Development, with its own signing key.</summary>
public sealed class ProductionApiFactory : ApiFactory
{
    public const string SigningKey = "a-test-signing-key-of-more-than-32-bytes";

    protected override string Environment => "Production";

    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string> { ["Auth:SigningKey"] = SigningKey };
}

/// <summary>api.md "Who is calling" outside Development: no token route, and no sandbox clock, for anyone; the start-up refusal of weak keys is in Storage/ApiStartupErrorTests.</summary>
public sealed class ProductionApiTests(ProductionApiFactory factory) : IClassFixture<ProductionApiFactory>
{
    [Fact]
    public async Task DevRoutes_OutsideDevelopment_AreNotFound_WithOrWithoutAToken()
    {
        foreach (var client in new[] { factory.CreateClient(), factory.ClientFor("alice"), factory.ClientFor("ops", platform: true) })
        {
            foreach (var response in new[]
            {
                await client.PostAsJsonAsync("/v1/dev/tokens", new { userId = "alice" }),
                await client.PostAsJsonAsync("/v1/dev/clock", new { advanceBy = "P14D" }),
                await client.GetAsync("/v1/dev/clock"),
            })
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("\"code\":\"not_found\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ATokenForTheConfiguredKey_IsAccepted()
    {
        var response = await factory.ClientFor("alice").GetAsync("/v1/contracts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
