using System.Net;
using System.Net.Http.Json;

namespace Milestones.Tests.Api;

/// <summary>Fees, partial release and the security period over HTTP.</summary>
public sealed class MoneyApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task PartialApprove_ReleasesTheAmount_AndReturnsTheRestWithItsShareOfTheClientFee()
    {
        await DepositAsync(ClientId, 10_300);
        var id = await SubmittedAsync(10_000);

        var approved = await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/approve", new { amount = 6_050, message = "Part of it" }), HttpStatusCode.OK);

        var milestone = approved["milestones"]![0]!;
        Assert.Equal(("released", 6_050L), (milestone["status"]!.GetValue<string>(), milestone["releasedAmount"]!.GetValue<long>()));
        Assert.Equal((6_050L, 3_950L), (approved["released"]!.GetValue<long>(), approved["refunded"]!.GetValue<long>()));

        // Client fee on 6,050 at 3% is 181.5, rounded half away from zero to 182; of the 300 held, 118 returns.
        // Service fee on 6,050 at 10% is 605: the freelancer's net is 5,445.
        var client = (await Json(await Client.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK))["balances"]![0]!;
        Assert.Equal((3_950L + 118L, 0L), (client["available"]!.GetValue<long>(), client["held"]!.GetValue<long>()));
        var freelancer = (await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK))["balances"]![0]!;
        Assert.Equal((0L, 5_445L), (freelancer["available"]!.GetValue<long>(), freelancer["pending"]!.GetValue<long>()));
        var events = await Json(await Client.GetAsync($"/v1/contracts/{id}/events?after=0&limit=100"), HttpStatusCode.OK);
        var charged = events["events"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "fee.charged")!["data"]!;
        Assert.Equal(("605", "182"), (charged["serviceFee"]!.GetValue<string>(), charged["clientFee"]!.GetValue<string>()));
        Assert.True((await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK))["balanced"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("{\"amount\":0}")]
    [InlineData("{\"amount\":-5}")]
    [InlineData("{\"amount\":10001}")]
    public async Task Approve_WithAnAmountOutsideTheMilestone_Is400_AndChangesNothing(string body)
    {
        await DepositAsync(ClientId, 10_300);
        var id = await SubmittedAsync(10_000);
        var before = await ContractJsonAsync(id);

        await Problem(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/approve", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_amount");

        Assert.Equal(before, await ContractJsonAsync(id));
    }

    [Fact]
    public async Task FeeRoutes_ArePlatformOnly_AndRefuseAnUnknownCurrency()
    {
        await Problem(await Freelancer.GetAsync("/v1/platform/fees"), HttpStatusCode.Forbidden, "role_not_allowed");
        await Problem(await Platform.GetAsync("/v1/platform/fees/XXX/transfers"), HttpStatusCode.BadRequest, "unknown_currency");
        var fees = await Json(await Platform.GetAsync("/v1/platform/fees"), HttpStatusCode.OK);
        Assert.All(fees["balances"]!.AsArray(), b => Assert.True(b!["available"]!.GetValue<long>() > 0));
    }

    private async Task<string> SubmittedAsync(long amount)
    {
        var id = await CreateActiveAsync(amount);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = "Done" }), HttpStatusCode.OK);
        return id;
    }
}
