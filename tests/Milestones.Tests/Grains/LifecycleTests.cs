using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

public sealed class LifecycleTests(ClusterFixture fixture) : GrainTest(fixture)
{
    // Deposit references are unique across all accounts: each test uses its own.
    private readonly string run = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task WholeContract_FromOfferToCompletion_MovesEveryCentOnce()
    {
        await DepositAsync(Client, 10_300);
        var grain = await CreateActiveAsync(2_500, 5_000, 2_500);
        var feeLines = await FeeLineCountAsync();

        foreach (var id in new[] { "m1", "m2", "m3" })
        {
            Ok(await grain.FundMilestoneAsync(Client, id, CommandOptions.None));
            Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork(id, "Done", ["https://example.com/pr/1"]), CommandOptions.None));
            Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork(id), CommandOptions.None));
        }

        var view = await ViewAsync(grain);
        Assert.Equal(ContractStatus.Completed, view.Status);
        Assert.All(view.Milestones, m => Assert.Equal(MilestoneStatus.Released, m.Status));
        Assert.Equal((10_000, 10_000, 0), (view.Funded, view.Released, view.Refunded));
        var client = await BalanceAsync(Client);
        Assert.Equal((0, 0L, 0L), (client.Available, client.Held, client.Pending));
        Assert.Empty(client.Holds);
        Assert.Empty(client.PendingReleases);
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, 9_000L), (freelancer.Available, freelancer.Pending));
        Assert.Equal([2_250L, 4_500L, 2_250L], freelancer.PendingReleases.Select(p => p.Amount));
        var fees = await FeeLinesAsync(feeLines, grain);
        Assert.Equal((1_000L, 300L), (fees.Where(l => l.Order.TransferId.EndsWith("/service-fee", StringComparison.Ordinal)).Sum(l => l.Order.Amount.Amount),
            fees.Where(l => l.Order.TransferId.EndsWith("/client-fee", StringComparison.Ordinal)).Sum(l => l.Order.Amount.Amount)));
        Assert.Equal(6, fees.Count);

        var events = Ok(await grain.GetEventsAsync(Freelancer, 0, 100)).Events.Select(e => e.Type).ToList();
        Assert.Equal("contract.created", events[0]);
        Assert.Equal("contract.completed", events[^1]);
        Assert.Equal(3, events.Count(e => e == "milestone.released"));
        Assert.Equal(3, events.Count(e => e == "fee.charged"));
    }

    [Fact]
    public async Task MyJobs_ListsTheContractForBothParties_WithItsStatus()
    {
        var grain = await CreateActiveAsync(1_000);
        var id = grain.GetPrimaryKeyString();

        var asClient = (await Grains.UserContracts().ListAsync(Client.UserId, PartyRole.Client, null, 10, null)).Value!;
        var asFreelancer = (await Grains.UserContracts().ListAsync(Freelancer.UserId, null, [ContractStatus.Active], 10, null)).Value!;

        Assert.Equal(id, Assert.Single(asClient.Items).ContractId);
        Assert.Equal((id, PartyRole.Freelancer), (Assert.Single(asFreelancer.Items).ContractId, asFreelancer.Items[0].Role));
        Assert.Empty((await Grains.UserContracts().ListAsync(Freelancer.UserId, PartyRole.Client, null, 10, null)).Value!.Items);
    }

    [Fact]
    public async Task Stranger_SeesNoContract_AndCannotAct()
    {
        var grain = await CreateActiveAsync(1_000);
        var stranger = new Caller("someone-else");

        Rejected(await grain.GetAsync(stranger), "contract_not_found");
        Rejected(await grain.FundMilestoneAsync(stranger, "m1", CommandOptions.None), "contract_not_found");
        Rejected(await Grains.Account(Client.UserId).GetAsync(stranger), "account_not_found");
    }

    [Fact]
    public async Task Fund_WithInsufficientFunds_ChangesNothing()
    {
        // Enough for the milestone, one cent short of its hold (the client's fee on it is 30).
        await DepositAsync(Client, 1_029);
        var grain = await CreateActiveAsync(1_000);
        var before = await ViewAsync(grain);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "insufficient_funds");

        Assert.Equal(before, await ViewAsync(grain), ContractViewComparer.Instance);
        Assert.Equal((1_029, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task StaleIfMatch_IsRejected_AndChangesNothing()
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        var version = (await ViewAsync(grain)).Version;
        Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_500), new CommandOptions(ExpectedVersion: version)));

        Rejected(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 3_000), new CommandOptions(ExpectedVersion: version)),
            "version_mismatch");
        Assert.Equal(2_500, (await ViewAsync(grain)).Milestones[1].Amount);
    }

    [Fact]
    public async Task EndingEarly_RefundsTheHold_AndCancelsPendingMilestones()
    {
        await DepositAsync(Client, 3_000);
        var grain = await CreateActiveAsync(1_000, 2_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));

        var view = Ok(await grain.EndAsync(Freelancer, new EndContract(HeldFunds.Refund, "Cannot continue"), CommandOptions.None)).Contract;

        Assert.Equal(ContractStatus.Ended, view.Status);
        Assert.Equal([MilestoneStatus.Refunded, MilestoneStatus.Cancelled], view.Milestones.Select(m => m.Status));
        Assert.Equal((3_000, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task Deposit_IsIdempotentByProviderReference()
    {
        await DepositAsync(Client, 500, $"pi_123-{run}");
        await DepositAsync(Client, 500, $"pi_123-{run}");
        var conflict = await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(600, Usd, $"pi_123-{run}"));

        Rejected(conflict, "deposit_reference_conflict");
        Assert.Equal(500, (await BalanceAsync(Client)).Available);
        Rejected(await Grains.Account(Client.UserId).DepositAsync(Client, new Deposit(1, Usd, "self")), "role_not_allowed");
    }

    [Fact]
    public async Task DepositIdempotencyKey_ReplaysTheSameDeposit_RejectsADifferentOne_AndReplaysARefusedOne()
    {
        var account = Grains.Account(Client.UserId);
        Assert.False(Ok(await account.DepositAsync(Platform, new Deposit(500, Usd, $"pi_a-{run}"), "key-1")) is null);
        Assert.True((await account.DepositAsync(Platform, new Deposit(500, Usd, $"pi_a-{run}"), "key-1")).Replayed);
        Rejected(await account.DepositAsync(Platform, new Deposit(700, Usd, $"pi_b-{run}"), "key-1"), "idempotency_key_reused");

        Rejected(await account.DepositAsync(Platform, new Deposit(long.MaxValue / 2, Usd, $"pi_c-{run}"), "key-2"), "amount_too_large");
        var replayed = await account.DepositAsync(Platform, new Deposit(long.MaxValue / 2, Usd, $"pi_c-{run}"), "key-2");
        Rejected(replayed, "amount_too_large");
        Assert.True(replayed.Replayed);
        Rejected(await account.DepositAsync(Platform, new Deposit(300, Usd, $"pi_d-{run}"), "key-2"), "idempotency_key_reused");
        Assert.False((await account.DepositAsync(Platform, new Deposit(300, Usd, $"pi_d-{run}"), "key-3")).Replayed);

        Assert.Equal(800, (await BalanceAsync(Client)).Available);
    }
}
