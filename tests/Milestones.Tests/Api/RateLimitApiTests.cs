using System.Net;

namespace Milestones.Tests.Api;

/// <summary>The API with small limits: 5 requests per second per address (burst 10), 2 per caller (burst 4).</summary>
public sealed class LimitedApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["RateLimit:PermitsPerSecondPerAddress"] = "5",
        ["RateLimit:PermitsPerSecond"] = "2",
    };
}

/// <summary>api.md "Errors": 429 rate_limited with Retry-After, per address before authentication and per caller after it.</summary>
public sealed class RateLimitApiTests(LimitedApiFactory factory) : IClassFixture<LimitedApiFactory>
{
    [Fact]
    public async Task AFloodOfBadTokens_IsRateLimited_BeforeTheTokensAreChecked()
    {
        var client = factory.ClientWithToken(Tokens.UnsignedToken("alice"));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 30 && limited is null; i++)
        {
            var response = await client.GetAsync("/v1/contracts");
            statuses.Add(response.StatusCode);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        Assert.All(statuses.SkipLast(1), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await AssertRateLimited(limited);
        await Task.Delay(TimeSpan.FromSeconds(2)); // Refill the shared address bucket for the other test.
    }

    [Fact]
    public async Task OneCaller_OverItsLimit_IsRateLimited()
    {
        await Task.Delay(TimeSpan.FromSeconds(2)); // A full address bucket (10) above the caller's (4).
        var client = factory.ClientFor("flooder-" + Guid.NewGuid().ToString("N")[..8]);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8 && limited is null; i++)
        {
            var response = await client.GetAsync("/v1/contracts");
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        await AssertRateLimited(limited);
    }

    private static async Task AssertRateLimited(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"rate_limited\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }
}
