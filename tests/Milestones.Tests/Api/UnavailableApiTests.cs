using System.Net;

namespace Milestones.Tests.Api;

/// <summary>api.md "Errors": a part of the system that does not answer is 503 with Retry-After, never 500; a bug stays 500.</summary>
public sealed class UnavailableApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Theory]
    [InlineData("silo-unavailable")]
    [InlineData("message-rejected")]
    [InlineData("gateway-lost")]
    [InlineData("timeout")]
    [InlineData("database")]
    [InlineData("store-unavailable")]
    [InlineData("canceled")]
    public async Task AGrainCallThatFailsForInfrastructure_Is503_WithRetryAfter_AndSaysNothingWasApplied(string fault)
    {
        var user = GrainFaults.Prefix + fault;

        var response = await Factory.ClientFor(user).GetAsync($"/v1/accounts/{user}");

        var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Contains("not applied", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Idempotency-Key", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADepositThatFailsForInfrastructure_Is503()
    {
        var user = GrainFaults.Prefix + "timeout";

        var response = await Platform.PostAsync($"/v1/accounts/{user}/deposits", RawJson("""{"amount":500,"currency":"USD","reference":"pi_1"}"""));

        await Problem(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task ABug_StaysA500_InternalError()
    {
        var user = GrainFaults.Prefix + "bug";

        var response = await Factory.ClientFor(user).GetAsync($"/v1/accounts/{user}");

        await Problem(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.Null(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task AnUnavailableDomainError_Is503_WithRetryAfter_AndKeepsItsCode()
    {
        var user = GrainFaults.Prefix + "unavailable-error";

        var response = await Factory.ClientFor(user).GetAsync($"/v1/accounts/{user}");

        await Problem(response, HttpStatusCode.ServiceUnavailable, "transfer_in_progress");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }
}
