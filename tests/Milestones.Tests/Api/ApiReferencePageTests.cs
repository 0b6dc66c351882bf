using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Milestones.Tests.Api;

/// <summary>The reference page as served: where <c>GET /</c> leads, its title, no upsell buttons, bearer auth, and the Development token.</summary>
public sealed partial class ApiReferencePageTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task TheRoot_RedirectsAPersonToTheReferencePage_WithoutAToken()
    {
        var response = await Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/scalar/", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task ThePage_IsTitledAndTrimmed_WithBearerAuthChosen_AndATokenForAliceTheApiAccepts()
    {
        var html = await Anonymous.GetStringAsync("/scalar/");

        Assert.Contains("<title>Milestones API</title>", html, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", html, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.Contains("\"preferredSecurityScheme\":[\"bearer\"]", html, StringComparison.Ordinal);
        Assert.Equal("alice", await UserOfAsync(Token(html)));
    }

    [Fact]
    public async Task TheDevelopmentLinks_GiveATokenForTheChosenUser_AndTheirRole()
    {
        var html = await Anonymous.GetStringAsync("/scalar/");
        Assert.Contains("href=\"?user=marketplace&amp;platform=true\"", html, StringComparison.Ordinal);

        Assert.Equal(FreelancerId, await UserOfAsync(Token(await Anonymous.GetStringAsync($"/scalar/?user={FreelancerId}"))));
        var platform = Factory.ClientWithToken(Token(await Anonymous.GetStringAsync("/scalar/?user=marketplace&platform=true")));
        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/v1/ledger/verify")).StatusCode);
        Assert.Equal("alice", await UserOfAsync(Token(await Anonymous.GetStringAsync("/scalar/?user=%20bad%20"))));
    }

    /// <summary>The token's user, once the API has accepted the token.</summary>
    private async Task<string> UserOfAsync(string token)
    {
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWithToken(token).GetAsync("/v1/contracts")).StatusCode);
        return new JsonWebToken(token).Subject;
    }

    private static string Token(string html) => TokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException("No token in the page.");

    [GeneratedRegex("\"token\":\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}

/// <summary>Outside Development the page has no token.</summary>
public sealed class ProductionApiReferencePageTests(ProductionApiFactory factory) : IClassFixture<ProductionApiFactory>
{
    [Fact]
    public async Task OutsideDevelopment_ThePageCarriesNoToken()
    {
        var html = await factory.CreateClient().GetStringAsync("/scalar/");

        Assert.Contains("<title>Milestones API</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"token\"", html, StringComparison.Ordinal);
    }
}
