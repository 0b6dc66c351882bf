using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Milestones.Api.Client;
using Milestones.Api.Client.Models;

namespace Milestones.Tests.Api;

/// <summary>
/// The C# client Kiota generates from the served document (src/Api/Client, the package Milestones.Client; scripts/api-client.sh), against the API on
/// Kestrel: the README walkthrough runs through it, and its errors carry the problem's <c>code</c> and <c>detail</c>.
/// </summary>
[Collection(KestrelApiCollection.Name)]
public sealed class ApiClientTests(KestrelApiFactory factory)
{
    private readonly string alice = "alice-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string bob = "bob-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task TheReadmeWalkthrough_RunsThroughTheGeneratedClient()
    {
        var client = await ClientAsync(alice);
        var freelancer = await ClientAsync(bob);
        var platform = await ClientAsync("marketplace", platform: true);

        var deposited = await platform.V1.Accounts[alice].Deposits.PostAsync(
            new DepositRequest { Amount = 100_000, Currency = "USD", Reference = "pi_" + Guid.NewGuid().ToString("N") });
        Assert.Equal(100_000, Assert.Single(deposited!.Balances!).Available);

        var contract = await client.V1.Contracts.PostAsync(new CreateContractRequest
        {
            FreelancerId = bob,
            Title = "Online shop",
            Currency = "USD",
            Milestones =
            [
                new MilestoneRequest { Description = "Design", DueDate = new Date(2030, 3, 1), Amount = 25_000 },
                new MilestoneRequest { Description = "Build", DueDate = new Date(2030, 4, 1), Amount = 50_000 },
                new MilestoneRequest { Description = "Launch", DueDate = new Date(2030, 5, 1), Amount = 25_000 },
            ],
        });
        var id = contract!.Id!;
        Assert.Equal(ContractStatus.Draft, contract.Status);

        await client.V1.Contracts[id].Accept.PostAsync(new AcceptTermsRequest { TermsVersion = 1 });
        var active = await freelancer.V1.Contracts[id].Accept.PostAsync(new AcceptTermsRequest { TermsVersion = 1 });
        Assert.Equal(ContractStatus.Active, active!.Status);

        var funded = await client.V1.Contracts[id].Milestones["m1"].Fund.PostAsync(c => c.Headers.Add("Idempotency-Key", $"fund-{id}-m1"));
        var replayed = await client.V1.Contracts[id].Milestones["m1"].Fund.PostAsync(c => c.Headers.Add("Idempotency-Key", $"fund-{id}-m1"));
        Assert.Equal(MilestoneStatus.Funded, funded!.Milestones![0].Status);
        Assert.Equal(funded.Version, replayed!.Version);

        var submitted = await freelancer.V1.Contracts[id].Milestones["m1"].Submit.PostAsync(
            new SubmitWorkRequest { Message = "Designs attached", Links = ["https://example.com/designs"] });
        Assert.NotNull(submitted!.Milestones![0].AutoReleaseAt);

        var approved = await client.V1.Contracts[id].Milestones["m1"].Approve.PostAsync(new ApproveRequest { Message = "Looks great" });
        Assert.Equal(MilestoneStatus.Released, approved!.Milestones![0].Status);
        Assert.Equal((1_000, 300), (approved.Fees!.FreelancerServiceFeeBps, approved.Fees.ClientFeeBps));

        // Alice paid 25,000 and the 3% client fee; Bob's 25,000 less the 10% service fee is pending for the security period.
        Assert.Equal(74_250, Assert.Single((await client.V1.Accounts[alice].GetAsync())!.Balances!).Available);
        var bobs = Assert.Single((await freelancer.V1.Accounts[bob].GetAsync())!.Balances!);
        Assert.Equal((0L, 22_500L), (bobs.Available, bobs.Pending));
        Assert.Equal(22_500, Assert.Single(bobs.PendingReleases!).Amount);
        var fees = Assert.Single((await platform.V1.Platform.Fees.GetAsync())!.Balances!, b => b.Currency == "USD");
        Assert.True(fees.Available >= 3_250);

        var bonus = await client.V1.Contracts[id].Bonuses.PostAsync(new MoneyRequest { Amount = 5_000, Message = "Great design" });
        Assert.Equal(("b1", 500L), (bonus!.Id, bonus.ServiceFee));
        var payout = await client.V1.Accounts[alice].Payouts.PostAsync(new PayoutRequestBody { Amount = 10_000, Currency = "USD" },
            c => c.Headers.Add("Idempotency-Key", $"payout-{id}"));
        Assert.Equal(PayoutStatus.Pending, payout!.Status);
        var completed = await platform.V1.Accounts[alice].Payouts[payout.Id].Complete.PostAsync(new CompletePayoutRequest { Reference = "tr_" + payout.Id });
        Assert.Equal(PayoutStatus.Completed, completed!.Status);
        Assert.Equal(74_250 - 5_150 - 10_000, Assert.Single((await client.V1.Accounts[alice].GetAsync())!.Balances!).Available);
        var audit = await platform.V1.Contracts[id].Audit.GetAsync();
        Assert.Equal((true, (await freelancer.V1.Contracts[id].Events.GetAsync())!.Events![^1].Hash), (audit!.Ok, audit.Head));
        Assert.True((await platform.V1.Ledger.Verify.GetAsync())!.Ok);
    }

    [Fact]
    public async Task AnError_IsAnExceptionWithTheProblemsCodeAndDetail()
    {
        var client = await ClientAsync(alice);
        var contract = await client.V1.Contracts.PostAsync(new CreateContractRequest
        {
            FreelancerId = bob,
            Title = "Logo",
            Currency = "USD",
            Milestones = [new MilestoneRequest { Description = "Logo", DueDate = new Date(2030, 3, 1), Amount = 5_000 }],
        });

        var forbidden = await Assert.ThrowsAsync<Problem>(() => client.V1.Ledger.Verify.GetAsync());
        var invalid = await Assert.ThrowsAsync<Problem>(() => client.V1.Contracts[contract!.Id!].Accept.PostAsync(new AcceptTermsRequest()));

        Assert.Equal((403, ProblemCode.Role_not_allowed), (forbidden.ResponseStatusCode, forbidden.Code));
        Assert.False(string.IsNullOrWhiteSpace(forbidden.Detail));
        Assert.Equal(forbidden.Detail, forbidden.Message);
        Assert.Equal((400, ProblemCode.Validation_failed), (invalid.ResponseStatusCode, invalid.Code));
        Assert.Contains("termsVersion", invalid.Message, StringComparison.Ordinal);
    }

    /// <summary>A client whose token comes from the Development token route, through the generated client too.</summary>
    private async Task<MilestonesClient> ClientAsync(string userId, bool platform = false)
    {
        var anonymous = new MilestonesClient(Adapter(null));
        var token = await anonymous.V1.Dev.Tokens.PostAsync(new DevTokenRequest { UserId = userId, Platform = platform });
        return new MilestonesClient(Adapter(token!.Token));
    }

    private HttpClientRequestAdapter Adapter(string? token)
    {
        var http = new HttpClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = factory.Address.ToString().TrimEnd('/') };
    }
}
