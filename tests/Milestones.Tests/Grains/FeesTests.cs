using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Tests.Grains;

/// <summary>
/// Fees and the security period on the cluster (default schedule: 10% service fee, 3% client fee; 5 days): funding
/// holds the milestone and the client's fee; a release captures the hold and pays the freelancer's net (pending), each
/// fee to the fee account and the rest back to the client, cent by cent; pending money is available from its due time
/// on, to any read, and a wake-up makes it so durably; only the platform reads the fee account. The ledger balances
/// after each, pending money and the fee account counted.
/// </summary>
public sealed class FeesTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private static readonly string FeeKey = GrainKeys.FeeAccount(Usd);

    [Fact]
    public async Task AFullRelease_SplitsTheHoldCentByCent_BetweenTheFreelancerAndTheFeeAccount()
    {
        await DepositAsync(Client, 10_300);
        var grain = await CreateActiveAsync(10_000);
        var id = grain.GetPrimaryKeyString();
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var client = await BalanceAsync(Client);
        Assert.Equal((0, 10_300L), (client.Available, client.Held));
        Assert.Equal(10_300, Assert.Single(client.Holds).Amount);
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var feeLines = await FeeLineCountAsync();
        var availableAt = Fixture.Clock.GetUtcNow() + SecurityPeriod;

        var view = Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None)).Contract;

        var releaseId = $"{id}/m1/release";
        Assert.Equal((ContractStatus.Completed, 10_000L, 10_000L, 0L, (long?)10_000), (view.Status, view.Funded, view.Released, view.Refunded, view.Milestones[0].ReleasedAmount));
        Assert.Equal(new FeeSchedule(1_000, 300), view.Fees);

        client = await BalanceAsync(Client);
        Assert.Equal((0, 0L, 0L), (client.Available, client.Held, client.Pending));
        var capture = Assert.Single(Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 100)).Entries, l => l.Order.Kind == TransferKind.Capture);
        Assert.Equal(new TransferOrder(releaseId, TransferKind.Capture, new Money(10_300, Usd), id, "m1", Freelancer.UserId,
        [
            new TransferLeg(releaseId, GrainKeys.User(Freelancer.UserId), 9_000),
            new TransferLeg(releaseId + "/service-fee", FeeKey, 1_000),
            new TransferLeg(releaseId + "/client-fee", FeeKey, 300),
        ]), capture.Order);
        Assert.Equal((0L, 0L), (capture.AvailableAfter, capture.HeldAfter));

        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, 9_000L), (freelancer.Available, freelancer.Pending));
        Assert.Equal(new PendingReleaseView(releaseId, 9_000, availableAt), Assert.Single(freelancer.PendingReleases));
        var credit = Assert.Single(Ok(await Grains.Account(Freelancer.UserId).GetTransfersAsync(Freelancer, 0, 100)).Entries);
        Assert.Equal(new TransferOrder(releaseId, TransferKind.Credit, new Money(9_000, Usd), id, "m1", Client.UserId, AvailableAt: availableAt), credit.Order);
        Assert.Equal((0L, 9_000L), (credit.AvailableAfter, credit.PendingAfter));

        Assert.Equal(
            [
                new TransferOrder(releaseId + "/client-fee", TransferKind.Credit, new Money(300, Usd), id, "m1", Client.UserId),
                new TransferOrder(releaseId + "/service-fee", TransferKind.Credit, new Money(1_000, Usd), id, "m1", Freelancer.UserId),
            ],
            (await FeeLinesAsync(feeLines, grain)).Select(l => l.Order).OrderBy(o => o.TransferId, StringComparer.Ordinal));

        var events = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;
        Assert.Equal(new Dictionary<string, string> { ["milestoneId"] = "m1", ["amount"] = "10000", ["clientFee"] = "300" },
            events.Single(e => e.Type == "milestone.funded").Data);
        var released = events.Single(e => e.Type == "milestone.released");
        Assert.Equal(new Dictionary<string, string>
        {
            ["milestoneId"] = "m1", ["amount"] = "10000", ["reason"] = "approve", ["freelancerNet"] = "9000", ["serviceFee"] = "1000",
            ["clientFee"] = "300", ["returned"] = "0", ["availableAt"] = availableAt.ToString("O", CultureInfo.InvariantCulture),
        }, released.Data);
        var charged = events.Single(e => e.Type == "fee.charged");
        Assert.Equal((released.Seq + 1, "system"), (charged.Seq, charged.Actor));
        Assert.Equal(new Dictionary<string, string> { ["milestoneId"] = "m1", ["transferId"] = releaseId, ["serviceFee"] = "1000", ["clientFee"] = "300" },
            charged.Data);

        Assert.Contains(FeeKey, await Grains.GetGrain<IAccountRegistryGrain>(AccountRegistryGrain.ShardOf(FeeKey)).ListAsync());
        Assert.True((await LedgerExactAsync()).Pending >= 9_000);
    }

    /// <summary>
    /// A milestone of 1,050 holds 1,082 (its client fee of 31.5 rounds half away from zero). Releasing part of it pays
    /// each fee on that part (rounded on its own) and returns the rest of the hold: the unreleased amount with its share
    /// of the client's fee. A fee that rounds to nothing is not charged at all.
    /// </summary>
    [Theory]
    [InlineData(750, 675, 75, 23, 309)]
    [InlineData(855, 769, 86, 26, 201)]
    [InlineData(1, 1, 0, 0, 1_081)]
    [InlineData(1_050, 945, 105, 32, 0)]
    public async Task APartialRelease_ReturnsTheRest_WithItsShareOfTheClientFee(long amount, long net, long serviceFee, long clientFee, long returned)
    {
        await DepositAsync(Client, 1_082);
        var grain = await CreateActiveAsync(1_050);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Assert.Equal((0, 1_082L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var feeLines = await FeeLineCountAsync();
        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1", 0), CommandOptions.None), "invalid_amount");
        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1", 1_051), CommandOptions.None), "invalid_amount");

        var view = Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1", amount, "Most of it"), CommandOptions.None)).Contract;

        Assert.Equal((MilestoneStatus.Released, (long?)amount), (view.Milestones[0].Status, view.Milestones[0].ReleasedAmount));
        Assert.Equal((1_050, amount, 1_050 - amount), (view.Funded, view.Released, view.Refunded));
        var client = await BalanceAsync(Client);
        Assert.Equal((returned, 0L), (client.Available, client.Held));
        var capture = Assert.Single(Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 100)).Entries, l => l.Order.Kind == TransferKind.Capture);
        Assert.Equal((1_082L, amount + clientFee, returned), (capture.Order.Amount.Amount, capture.Order.Leaving, capture.AvailableAfter));
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, net), (freelancer.Available, freelancer.Pending));
        Assert.Equal(
            new[] { ("client-fee", clientFee), ("service-fee", serviceFee) }.Where(f => f.Item2 > 0),
            Charges(await FeeLinesAsync(feeLines, grain)));
        var released = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events.Single(e => e.Type == "milestone.released");
        Assert.Equal(("Most of it", Str(amount), Str(net), Str(serviceFee), Str(clientFee), Str(returned)),
            (released.Message, released.Data["amount"], released.Data["freelancerNet"], released.Data["serviceFee"], released.Data["clientFee"], released.Data["returned"]));
        await LedgerExactAsync();
    }

    [Fact]
    public async Task ARefund_ReturnsTheWholeHold_TheClientsFeeWithIt_AndChargesNoFee()
    {
        await DepositAsync(Client, 1_082);
        var grain = await CreateActiveAsync(1_050, 500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var feeLines = await FeeLineCountAsync();

        Ok(await grain.EndAsync(Client, new EndContract(HeldFunds.Refund, "Not needed"), CommandOptions.None));

        Assert.Equal((1_082, 0L, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held, (await BalanceAsync(Client)).Pending));
        Assert.Equal(1_082, Assert.Single(Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 100)).Entries, l => l.Order.Kind == TransferKind.Refund).Order.Amount.Amount);
        Assert.Empty(await FeeLinesAsync(feeLines, grain));
        Assert.DoesNotContain(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "fee.charged");
        await LedgerExactAsync();
    }

    [Fact]
    public async Task TimeFirst_AfterTheSecurityPeriod_AReadShowsTheReleaseAvailable_WithoutAnyWakeUp_AndKeepsItSo()
    {
        var account = await ReleasedToTheFreelancerAsync();
        var releaseId = Assert.Single((await BalanceAsync(Freelancer)).PendingReleases).TransferId;
        var availableAt = Fixture.Clock.GetUtcNow() + SecurityPeriod;
        Assert.Equal(availableAt, (await StoredAccountAsync(account)).WakeAt);

        Fixture.Clock.Advance(SecurityPeriod - TimeSpan.FromSeconds(1));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var stored = (await StoredAccountAsync(account)).Balances[Usd];
        Assert.Equal((0, 900L), (stored.Available, stored.Pending));

        var freelancer = await BalanceAsync(Freelancer);

        Assert.Equal((900, 0L), (freelancer.Available, freelancer.Pending));
        Assert.Empty(freelancer.PendingReleases);
        var lines = Ok(await account.GetTransfersAsync(Freelancer, 0, 100)).Entries;
        Assert.Equal([(TransferKind.Credit, releaseId), (TransferKind.Available, releaseId + "/available")], lines.Select(l => (l.Order.Kind, l.Order.TransferId)));
        Assert.Equal((900L, 900L, 0L, availableAt), (lines[1].Order.Amount.Amount, lines[1].AvailableAfter, lines[1].PendingAfter, lines[1].At));
        var record = await StoredAccountAsync(account);
        Assert.Equal((900, 0L, (DateTimeOffset?)null), (record.Balances[Usd].Available, record.Balances[Usd].Pending, record.WakeAt));

        await Fixture.Cluster.DeactivateAsync(account);
        Assert.Equal((900, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal(2, Ok(await account.GetTransfersAsync(Freelancer, 0, 100)).Entries.Count);
        await LedgerExactAsync();
    }

    [Fact]
    public async Task AWakeUp_IsEarlyToNoEffect_AndOnceDue_MakesTheReleaseAvailable_Durably_AndIsNotDueAgain()
    {
        var account = await ReleasedToTheFreelancerAsync();
        var wakeable = Grains.GetGrain<IWakeable>(account.GetGrainId());
        await wakeable.WakeAsync();
        Assert.Equal((0, 900L), ((await StoredAccountAsync(account)).Balances[Usd].Available, (await StoredAccountAsync(account)).Balances[Usd].Pending));

        var woken = Fixture.Probe.Woken(account.GetPrimaryKeyString());
        Fixture.Clock.Advance(SecurityPeriod);
        await ScanAsync();
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
        await Fixture.Cluster.DeactivateAsync(account);

        var stored = await StoredAccountAsync(account);
        Assert.Equal((900, 0L, (DateTimeOffset?)null), (stored.Balances[Usd].Available, stored.Balances[Usd].Pending, stored.WakeAt));
        Assert.Empty(stored.Pending);
        Assert.Equal(TransferKind.Available, Ok(await account.GetTransfersAsync(Freelancer, 0, 100)).Entries[^1].Order.Kind);
        var again = Fixture.Probe.Woken(account.GetPrimaryKeyString());
        await ScanAsync();
        Assert.False(again.IsCompleted);
        Assert.Equal((900, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        await LedgerExactAsync();
    }

    [Fact]
    public async Task TimeFirst_ADepositAfterTheSecurityPeriod_AnswersWithTheReleaseAvailable()
    {
        var account = await ReleasedToTheFreelancerAsync();
        Fixture.Clock.Advance(SecurityPeriod);

        var answer = Ok(await account.DepositAsync(Platform, new Deposit(100, Usd, Guid.NewGuid().ToString("N"))));

        var balance = Assert.Single(answer.Balances);
        Assert.Equal((1_000, 0L), (balance.Available, balance.Pending));
        var lines = Ok(await account.GetTransfersAsync(Freelancer, 0, 100)).Entries;
        Assert.Equal([TransferKind.Credit, TransferKind.Available, TransferKind.Deposit], lines.Select(l => l.Order.Kind));
        Assert.Equal((1_000L, 0L), (lines[2].AvailableAfter, lines[2].PendingAfter));
        await LedgerExactAsync();
    }

    [Fact]
    public async Task TheFeeAccount_IsReadByThePlatformOnly_NotEvenByAUserNamedLikeIt()
    {
        await ReleasedToTheFreelancerAsync();
        var lookalike = new Caller(FeeKey);
        var lookalikes = Grains.Account(lookalike.UserId);
        Assert.Equal(GrainKeys.User(FeeKey), lookalikes.GetPrimaryKeyString());
        Assert.NotEqual(FeeAccount.GetGrainId(), lookalikes.GetGrainId());

        Rejected(await FeeAccount.GetAsync(lookalike), "role_not_allowed");
        Rejected(await FeeAccount.GetTransfersAsync(lookalike, 0, 10), "role_not_allowed");
        foreach (var party in new[] { Client, Freelancer })
        {
            Rejected(await FeeAccount.GetAsync(party), "role_not_allowed");
            Rejected(await FeeAccount.GetTransfersAsync(party, 0, 10), "role_not_allowed");
        }

        Assert.Empty(Ok(await lookalikes.GetAsync(lookalike)).Balances);
        Assert.True((await FeeBalanceAsync()).Available >= 130);
        Assert.NotEmpty(Ok(await FeeAccount.GetTransfersAsync(Platform, 0, 1)).Entries);
        await LedgerExactAsync();
    }

    /// <summary>A milestone of 1,000 funded (1,030 held), submitted and approved now: the freelancer has 900 pending.</summary>
    private async Task<IAccountGrain> ReleasedToTheFreelancerAsync()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        return Grains.Account(Freelancer.UserId);
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A cluster whose fee schedule comes from its configuration (the Fees section), which a restart may change, as a deployment's would.</summary>
public sealed class FeeScheduleClusterFixture : ClusterFixture
{
    /// <summary>The schedule the cluster starts with: 20% service fee, 5% client fee.</summary>
    public static readonly FeeSchedule First = new(2_000, 500);

    /// <summary>The schedule after the change: 5% and 1%.</summary>
    public static readonly FeeSchedule Second = new(500, 100);

    public FeeSchedule Schedule { get; set; } = First;

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<FeesOptions>(o => (o.FreelancerServiceFeeBps, o.ClientFeeBps) = (Schedule.FreelancerServiceFeeBps, Schedule.ClientFeeBps));
}

[CollectionDefinition(Name)]
public sealed class FeeScheduleCollection : ICollectionFixture<FeeScheduleClusterFixture>
{
    public const string Name = "fee-schedule";
}

/// <summary>A contract keeps the fee schedule it became active under when the configuration changes; one that becomes active later takes the new one.</summary>
[Collection(FeeScheduleCollection.Name)]
public sealed class FeeSchedulePinningTests(FeeScheduleClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task AContract_KeepsTheScheduleItBecameActiveUnder_AcrossAChangeOfConfiguration()
    {
        var pinned = await CreateActiveAsync(10_000);
        var offered = await CreateAsync(10_000);
        Assert.Equal((FeeScheduleClusterFixture.First, FeeScheduleClusterFixture.First), ((await ViewAsync(pinned)).Fees, (await ViewAsync(offered)).Fees));
        var activated = Ok(await pinned.GetEventsAsync(Client, 0, 100)).Events.Single(e => e.Type == "contract.activated");
        Assert.Equal(("2000", "500"), (activated.Data["freelancerServiceFeeBps"], activated.Data["clientFeeBps"]));

        fixture.Schedule = FeeScheduleClusterFixture.Second;
        await fixture.RestartAsync();
        pinned = Grains.Contract(pinned.GetPrimaryKeyString());
        offered = Grains.Contract(offered.GetPrimaryKeyString());
        Assert.Equal((FeeScheduleClusterFixture.First, FeeScheduleClusterFixture.Second), ((await ViewAsync(pinned)).Fees, (await ViewAsync(offered)).Fees));
        Ok(await offered.AcceptTermsAsync(Client, 1, CommandOptions.None));
        Assert.Equal(FeeScheduleClusterFixture.Second, Ok(await offered.AcceptTermsAsync(Freelancer, 1, CommandOptions.None)).Contract.Fees);

        await DepositAsync(Client, 10_500 + 10_100);
        var feeLines = await FeeLineCountAsync();
        foreach (var grain in new[] { pinned, offered })
        {
            Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
            Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        }

        Assert.Equal([10_500L, 10_100L], (await BalanceAsync(Client)).Holds.OrderByDescending(h => h.Amount).Select(h => h.Amount));
        foreach (var grain in new[] { pinned, offered })
        {
            Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        }

        Assert.Equal([("client-fee", 500L), ("service-fee", 2_000L)], Charges(await FeeLinesAsync(feeLines, pinned)));
        Assert.Equal([("client-fee", 100L), ("service-fee", 500L)], Charges(await FeeLinesAsync(feeLines, offered)));
        Assert.Equal([8_000L, 9_500L], (await BalanceAsync(Freelancer)).PendingReleases.Select(p => p.Amount).Order());
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        await LedgerExactAsync();
    }
}
