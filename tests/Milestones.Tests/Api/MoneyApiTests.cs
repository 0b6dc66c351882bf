using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using DomainCaller = Milestones.Domain.Caller;

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

    [Fact]
    public async Task Bonus_IsPaidFromTheClientsBalance_WithTheFeesOfARelease_AndRefusedWithoutTheMoney()
    {
        await DepositAsync(ClientId, 1_030);
        var id = await CreateActiveAsync(5_000);

        var bonus = await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 1_000, message = "Thanks!" }), HttpStatusCode.Created);

        Assert.Equal(("b1", 1_000L, 100L), (bonus["id"]!.GetValue<string>(), bonus["amount"]!.GetValue<long>(), bonus["serviceFee"]!.GetValue<long>()));
        Assert.Equal((0L, 0L), await AvailableAndPayingOutAsync(ClientId));
        var freelancer = (await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK))["balances"]![0]!;
        Assert.Equal(900L, freelancer["pending"]!.GetValue<long>());
        var contract = await Json(await Freelancer.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK);
        Assert.Equal("Thanks!", Assert.Single(contract["bonuses"]!.AsArray())!["message"]!.GetValue<string>());
        var events = await Json(await Client.GetAsync($"/v1/contracts/{id}/events?after=0&limit=100"), HttpStatusCode.OK);
        Assert.Equal(["bonus.paid", "fee.charged"], events["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).TakeLast(2));

        await Problem(await Client.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 1 }), HttpStatusCode.Conflict, "insufficient_funds");
        await Problem(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 1 }), HttpStatusCode.Forbidden, "role_not_allowed");
        await Problem(await Stranger.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 1 }), HttpStatusCode.NotFound, "contract_not_found");
        await Problem(await Client.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 0 }), HttpStatusCode.BadRequest, "invalid_amount");
        Assert.Single((await Json(await Client.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK))["bonuses"]!.AsArray());
        Assert.True((await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK))["balanced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Refund_ReturnsReleasedMoney_FromPendingFirst_WithTheServiceFeeBack_NeverMoreThanReleased()
    {
        await DepositAsync(ClientId, 10_300);
        var id = await SubmittedAsync(10_000);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/approve", null), HttpStatusCode.OK);

        var refund = await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/refunds", new { amount = 2_000, message = "Late delivery" }), HttpStatusCode.Created);

        Assert.Equal(("r1", 2_000L, 200L), (refund["id"]!.GetValue<string>(), refund["amount"]!.GetValue<long>(), refund["serviceFee"]!.GetValue<long>()));
        Assert.Equal((2_000L, 0L), await AvailableAndPayingOutAsync(ClientId));
        var freelancer = (await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK))["balances"]![0]!;
        Assert.Equal((0L, 7_200L), (freelancer["available"]!.GetValue<long>(), freelancer["pending"]!.GetValue<long>()));
        Assert.Equal(7_200L, Assert.Single(freelancer["pendingReleases"]!.AsArray())!["amount"]!.GetValue<long>());

        await Problem(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/refunds", new { amount = 8_001 }), HttpStatusCode.Conflict, "refund_exceeds_released");
        await Problem(await Client.PostAsJsonAsync($"/v1/contracts/{id}/refunds", new { amount = 1 }), HttpStatusCode.Forbidden, "role_not_allowed");
        await Json(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/refunds", new { amount = 8_000 }), HttpStatusCode.Created);

        Assert.Equal((10_000L, 0L), await AvailableAndPayingOutAsync(ClientId));
        Assert.Equal(0L, (await Json(await Freelancer.GetAsync($"/v1/accounts/{FreelancerId}"), HttpStatusCode.OK))["balances"]![0]!["pending"]!.GetValue<long>());
        var contract = await Json(await Client.GetAsync($"/v1/contracts/{id}"), HttpStatusCode.OK);
        Assert.Equal([200L, 800L], contract["refunds"]!.AsArray().Select(r => r!["serviceFee"]!.GetValue<long>()));
        await Problem(await Freelancer.PostAsJsonAsync($"/v1/contracts/{id}/refunds", new { amount = 1 }), HttpStatusCode.Conflict, "refund_exceeds_released");
        Assert.True((await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK))["balanced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Payout_IsPayingOutUntilTheProviderReports_ThenCompletedOnce_OrFailedBackToAvailable()
    {
        await DepositAsync(ClientId, 5_000);

        var asked = await Json(await PostAsync(Client, $"/v1/accounts/{ClientId}/payouts", new { amount = 2_000, currency = "USD" }, "po-1"), HttpStatusCode.Created);
        var id = asked["id"]!.GetValue<string>();
        Assert.Equal(("pending", 2_000L), (asked["status"]!.GetValue<string>(), asked["amount"]!.GetValue<long>()));
        Assert.True(asked["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddDays(6));
        var replay = await PostAsync(Client, $"/v1/accounts/{ClientId}/payouts", new { amount = 2_000, currency = "USD" }, "po-1");
        Assert.Equal(asked.ToJsonString(), (await Json(replay, HttpStatusCode.Created)).ToJsonString());
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        await Problem(await PostAsync(Client, $"/v1/accounts/{ClientId}/payouts", new { amount = 1_000, currency = "USD" }, "po-1"), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal((3_000L, 2_000L), await AvailableAndPayingOutAsync(ClientId));

        await Problem(await Client.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{id}/complete", new { reference = "tr_1" }), HttpStatusCode.Forbidden, "role_not_allowed");
        await Problem(await Freelancer.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts", new { amount = 1, currency = "USD" }), HttpStatusCode.NotFound, "account_not_found");
        var completed = await Json(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{id}/complete", new { reference = "tr_1" }), HttpStatusCode.OK);
        Assert.Equal(("completed", "tr_1"), (completed["status"]!.GetValue<string>(), completed["reference"]!.GetValue<string>()));
        var again = await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{id}/complete", new { reference = "tr_1" });
        Assert.Equal(completed.ToJsonString(), (await Json(again, HttpStatusCode.OK)).ToJsonString());
        await Problem(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{id}/fail", new { reason = "Bank closed" }), HttpStatusCode.Conflict, "payout_not_pending");
        Assert.Equal((3_000L, 0L), await AvailableAndPayingOutAsync(ClientId));

        var second = await Json(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts", new { amount = 3_000, currency = "USD" }), HttpStatusCode.Created);
        await Problem(await Client.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts", new { amount = 1, currency = "USD" }), HttpStatusCode.Conflict, "insufficient_funds");
        var failed = await Json(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/{second["id"]}/fail", new { reason = "Bank closed" }), HttpStatusCode.OK);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal((3_000L, 0L), await AvailableAndPayingOutAsync(ClientId));

        var list = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/payouts"), HttpStatusCode.OK);
        Assert.Equal(["completed", "failed"], list["items"]!.AsArray().Select(p => p!["status"]!.GetValue<string>()));
        var onlyFailed = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/payouts?status=failed"), HttpStatusCode.OK);
        Assert.Equal(second["id"]!.GetValue<string>(), Assert.Single(onlyFailed["items"]!.AsArray())!["id"]!.GetValue<string>());
        var lines = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/transfers"), HttpStatusCode.OK);
        Assert.Equal(["deposit", "payout", "payout_completed", "payout", "payout_failed"], lines["transfers"]!.AsArray().Select(t => t!["kind"]!.GetValue<string>()));
        var ledger = await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK);
        Assert.True(ledger["balanced"]!.GetValue<bool>());
        Assert.True(ledger["currencies"]!.AsArray().Single(c => c!["currency"]!.GetValue<string>() == "USD")!["paidOut"]!.GetValue<long>() >= 2_000);
    }

    [Fact]
    public async Task TheLedgerCheck_OfBalancesThatAddUpPastTheLargestLong_AnswersTheExactSumsAsJsonNumbers()
    {
        // Past the API's limit on one deposit (Milestones:MaxAmount): straight to the account grains, in a currency no other test uses.
        var grains = Factory.Services.GetRequiredService<IGrainFactory>();
        // An account holds at most half the largest long: three full ones add up past it.
        for (var i = 0; i < 3; i++)
        {
            var deposit = new Deposit(long.MaxValue / 2, "IDR", Guid.NewGuid().ToString("N"));
            Assert.Null((await grains.Account("whale-" + Guid.NewGuid().ToString("N")).DepositAsync(new DomainCaller("marketplace", IsPlatform: true), deposit)).Error);
        }

        var ledger = await Json(await Platform.GetAsync("/v1/ledger/verify"), HttpStatusCode.OK);

        var idr = ledger["currencies"]!.AsArray().Single(c => c!["currency"]!.GetValue<string>() == "IDR")!;
        Assert.Equal(("13835058055282163709", "13835058055282163709", "0"),
            (idr["deposited"]!.ToJsonString(), idr["available"]!.ToJsonString(), idr["paidOut"]!.ToJsonString()));
        Assert.True(ledger["balanced"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("{\"amount\":0,\"currency\":\"USD\"}", "invalid_amount")]
    [InlineData("{\"amount\":10,\"currency\":\"XXX\"}", "unknown_currency")]
    [InlineData("{\"currency\":\"USD\"}", "validation_failed")]
    public async Task Payout_WithBadInput_Is400_AndChangesNothing(string body, string code)
    {
        await DepositAsync(ClientId, 500);

        await Problem(await Client.PostAsync($"/v1/accounts/{ClientId}/payouts", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, code);

        Assert.Equal((500L, 0L), await AvailableAndPayingOutAsync(ClientId));
        await Problem(await Platform.PostAsJsonAsync($"/v1/accounts/{ClientId}/payouts/po_missing/complete", new { reference = "tr_1" }), HttpStatusCode.NotFound, "payout_not_found");
    }

    private async Task<(long Available, long PayingOut)> AvailableAndPayingOutAsync(string userId)
    {
        var balance = (await Json(await Platform.GetAsync($"/v1/accounts/{userId}"), HttpStatusCode.OK))["balances"]![0]!;
        return (balance["available"]!.GetValue<long>(), balance["payingOut"]!.GetValue<long>());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
