using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Milestones.Silo;
using Milestones.Tests.Grains;
using Milestones.Wakeups;
using Orleans.Storage;

namespace Milestones.Tests.Storage;

/// <summary>
/// The grain suite on a real store: the lifecycle, a full restart of every silo, a wake-up that outlives the
/// restart, and the store's optimistic concurrency. Run once per store by the sealed classes below; the ledger
/// check of <see cref="GrainTest"/> runs after every test.
/// </summary>
public abstract class StoreGrainTests<TFixture>(TFixture fixture) : GrainTest(fixture)
    where TFixture : StoreClusterFixture
{
    protected TestStore Store => fixture.Store;

    [Fact]
    public async Task EveryKeyedCommandOfALifecycle_ReplaysItsFirstAnswer_WhenItsGrainIsGone()
    {
        await DepositAsync(Client, 10_000);
        var grain = Grains.Contract(GrainKeys.NewContractId());
        var create = new CreateContract("Build a shop", Freelancer.UserId, Usd, [new NewMilestone("Design", Due, 1_000), new NewMilestone("Build", Due, 2_000)]);
        Func<CommandOptions, Task<Outcome<ContractResult>>>[] commands =
        [
            o => grain.CreateAsync(Client, create, o),
            o => grain.AcceptTermsAsync(Client, 1, o),
            o => grain.AcceptTermsAsync(Freelancer, 1, o),
            o => grain.FundMilestoneAsync(Client, "m1", o),
            o => grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), o),
            o => grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), o),
        ];
        var first = new List<ContractView>();
        for (var i = 0; i < commands.Length; i++)
        {
            first.Add(Ok(await commands[i](new CommandOptions($"lifecycle-{i}"))).Contract);
        }

        // Answers are stored beside the events their writes stored (PostgreSQL: a funding's beside the outcome's events
        // its hold's write carried, as the contract's own write stored none), or in rows of their own (the others):
        // each replays exactly from the store alone.
        await Fixture.Cluster.DeactivateAsync(grain);
        var ownRows = Convert.ToInt64(await Store.ScalarAsync($"SELECT count(*) FROM commandanswer WHERE grainid = '{grain.GetGrainId()}'"), CultureInfo.InvariantCulture);
        Assert.Equal(Store.Kind == StorageProvider.Postgres ? 0 : commands.Length, ownRows);
        for (var i = 0; i < commands.Length; i++)
        {
            var replay = await commands[i](new CommandOptions($"lifecycle-{i}"));
            Assert.True(replay.Replayed, $"command {i}");
            Assert.Equal(first[i], replay.Value!.Contract, ContractViewComparer.Instance);
        }
    }

    [Fact]
    public async Task AnAccountsKeys_AreStoredInRowsOfTheirOwn_SoItsRowDoesNotGrowWithThem_AndReplayWhenItsGrainIsGone()
    {
        var account = Grains.Account(Client.UserId);
        var deposits = Enumerable.Range(0, 40).Select(i => new Deposit(1_000, Usd, $"keyed-{i}-{Guid.NewGuid():N}")).ToList();
        Ok(await account.DepositAsync(Platform, deposits[0], "deposit-0"));
        var rowWithOneKey = await StoredLengthAsync(account);
        for (var i = 1; i < deposits.Count; i++)
        {
            Ok(await account.DepositAsync(Platform, deposits[i], $"deposit-{i}"));
        }

        var payout = Ok(await account.RequestPayoutAsync(Client, new PayoutRequest(500, Usd), "payout-0"));
        Rejected(await account.RequestPayoutAsync(Client, new PayoutRequest(1_000_000, Usd), "payout-1"), "insufficient_funds");

        // 42 keys (each 60 bytes or so with its fingerprint) would have made the row longer by kilobytes; the payout it
        // itemises and the balances' larger figures add a few dozen bytes.
        Assert.InRange(await StoredLengthAsync(account) - rowWithOneKey, 0, 120);
        var ownRows = Convert.ToInt64(await Store.ScalarAsync(
            $"SELECT count(*) FROM commandanswer WHERE serviceid = '{Fixture.ServiceId}' AND grainid = '{account.GetGrainId()}'"), CultureInfo.InvariantCulture);
        Assert.Equal(42, ownRows);

        await Fixture.Cluster.DeactivateAsync(account);
        Assert.True((await account.DepositAsync(Platform, deposits[0], "deposit-0")).Replayed);
        Assert.True((await account.DepositAsync(Platform, deposits[^1], $"deposit-{deposits.Count - 1}")).Replayed);
        var replayed = await account.RequestPayoutAsync(Client, new PayoutRequest(500, Usd), "payout-0");
        Assert.Equal((true, payout.Id), (replayed.Replayed, replayed.Value!.Id));
        var refusal = await account.RequestPayoutAsync(Client, new PayoutRequest(1_000_000, Usd), "payout-1");
        Assert.Equal((true, "insufficient_funds"), (refusal.Replayed, refusal.Error!.Code));
        Rejected(await account.DepositAsync(Platform, deposits[2], "deposit-1"), "idempotency_key_reused");
        Assert.Equal(40 * 1_000 - 500, (await BalanceAsync(Client)).Available);
    }

    [Fact]
    public async Task AnAccountsLedger_IsReadBackFromItsStream_AcrossAHoldsSnapshot_AndAnOldLineIsFoundByItsId_PastTheFeedsRetention()
    {
        var reference = "first-" + Guid.NewGuid().ToString("N");
        await DepositAsync(Client, 10_000, reference);
        var held = await CreateActiveAsync(1_000);
        Ok(await held.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        const int lines = StorageLayout.HoldsSnapshotLines + 20;
        for (var i = 2; i < lines; i++)
        {
            await DepositAsync(Client, 1);
        }

        var account = Grains.Account(Client.UserId);
        var statement = JsonSerializer.Serialize(Ok(await account.GetTransfersAsync(Client, 0, 500)));
        var feed = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventFeed>();
        await feed.PruneAsync(Fixture.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
        await Fixture.Cluster.DeactivateAsync(account);

        // The new activation reads the snapshot and the 20 lines since; the first deposit and the hold lie before them.
        Assert.Equal(statement, JsonSerializer.Serialize(Ok(await account.GetTransfersAsync(Client, 0, 500))));
        Assert.Equal(Enumerable.Range(1, lines).Select(i => (long)i), Ok(await account.GetTransfersAsync(Client, 0, 500)).Entries.Select(l => l.Seq));
        Assert.True((await account.DepositAsync(Platform, new Deposit(10_000, Usd, reference))).Replayed);
        Rejected(await account.DepositAsync(Platform, new Deposit(5, Usd, reference)), "deposit_reference_conflict");
        Ok(await held.EndAsync(Client, new EndContract(HeldFunds.Refund, "Not needed"), CommandOptions.None));
        Assert.Equal((10_000 + lines - 2, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task AnAccountsEvents_ReadFromTheFeed_AreTheJsonTheirLinesWereWrittenWith_WhereverTheStoreKeepsIt()
    {
        var feed = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventFeed>();
        var from = (await feed.ReadAsync(0, 1, null, CancellationToken.None)).Head;
        await DepositAsync(Client, 10_000);
        var contract = await CreateActiveAsync(1_000);
        Ok(await contract.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await contract.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await contract.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));

        var lines = Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 100)).Entries;
        Assert.Equal(3, lines.Count);

        // The feed shows an event once every transaction older than its own has ended (PostgreSQL): read until all are there.
        List<string> read = [];
        for (var attempt = 0; attempt < 100 && read.Count < lines.Count; attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100);
            read = [.. (await feed.ReadAsync(from, 100, null, CancellationToken.None)).Events
                .Select(e => e.Body)
                .Where(json => FeedEvents.Parse(json) is { ContractId: null } e && e.AccountId == Client.UserId)];
        }

        Assert.Equal(lines.Select(line => FeedEvents.Ledger(GrainKeys.User(Client.UserId), line).Json), read);
    }

    [Fact]
    public async Task Answers_AreStoredWithTheStateThatRemembersThem_DeletedWithTheOneThatForgetsThem_AndNeverByAStaleWrite()
    {
        var answers = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IRememberedAnswers>();
        var result = new ContractResult(await ViewAsync(await CreateActiveAsync(1_000, 2_000)));
        var grain = Grains.Contract(GrainKeys.NewContractId()).GetGrainId();
        var stream = FeedEvents.ContractStream(grain.Key.ToString()!);
        var start = Fixture.Clock.GetUtcNow();
        IdempotencyRecord Key(string key, DateTimeOffset at) => new(key, "fingerprint", null, at);

        var state = new ContractGrainState();
        var row = new GrainState<ContractGrainState>(state);
        for (var i = 0; i < 3; i++)
        {
            state.RememberKey(Key($"old-{i}", start), result);
        }

        await Storage.WriteStateAsync(StorageLayout.Contract, grain, row);
        Assert.Equal(result.Contract, (await answers.ReadAsync(grain, stream, "old-2", CancellationToken.None))!.Contract, ContractViewComparer.Instance);

        var staleState = new ContractGrainState();
        staleState.RememberKey(Key("stale", start), result);
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StorageLayout.Contract, grain, new GrainState<ContractGrainState>(staleState)));
        Assert.Null(await answers.ReadAsync(grain, stream, "stale", CancellationToken.None));

        // 64 keys a day later: the three old ones are beyond the 64 most recent and older than a day.
        for (var i = 0; i < 64; i++)
        {
            state.RememberKey(Key($"new-{i}", start.AddHours(25)), result);
        }

        await Storage.WriteStateAsync(StorageLayout.Contract, grain, row);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await answers.ReadAsync(grain, stream, $"old-{i}", CancellationToken.None));
        }

        Assert.NotNull(await answers.ReadAsync(grain, stream, "new-0", CancellationToken.None));
        Assert.NotNull(await answers.ReadAsync(grain, stream, "new-63", CancellationToken.None));
        // The row holds no key: they are read back from their answers, and the rule keeps the same 64.
        var stored = new GrainState<ContractGrainState>(new ContractGrainState());
        await Storage.ReadStateAsync(StorageLayout.Contract, grain, stored);
        Assert.Empty(stored.State!.Keys);
        stored.State.KeysStored(await answers.ReadKeysAsync(grain, stream, CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"new-{i}").Order(), stored.State.Keys.Select(k => k.Key).Order());
        Assert.All(stored.State.Keys, k => Assert.Equal(Key(k.Key, start.AddHours(25)), k));
    }

    [Fact]
    public async Task ACreateRetriedWithItsKey_OnAFreshActivation_IsRefusedByTheStoresInsert_AndReplaysTheFirstAnswer_WritingNothing()
    {
        var grain = Grains.Contract(GrainKeys.NewContractId());
        var command = new CreateContract("Build a shop", Freelancer.UserId, Usd, [new NewMilestone("Part 1", Due, 1_000)]);
        var first = Ok(await grain.CreateAsync(Client, command, new CommandOptions("create")));
        await Fixture.Cluster.DeactivateAsync(grain);

        var retry = await grain.CreateAsync(Client, command, new CommandOptions("create"));
        Assert.True(retry.Replayed);
        Assert.Equal(first.Contract, retry.Value!.Contract, ContractViewComparer.Instance);
        Rejected(await grain.CreateAsync(Client, command, new CommandOptions("another")), "contract_already_exists");
        await Fixture.Cluster.DeactivateAsync(grain);
        Rejected(await grain.CreateAsync(Client, command, CommandOptions.None), "contract_already_exists");

        var stored = await StoredStateAsync(grain);
        Assert.Equal((1L, 1L), (stored.Contract.Version, stored.Contract.EventCount));
        var listed = Ok(await Grains.UserContracts().ListAsync(Client.UserId, null, null, 10, null)).Items;
        Assert.Equal([(grain.GetPrimaryKeyString(), 1L)], listed.Select(c => (c.ContractId, c.Version)));
    }

    [Fact]
    public async Task MyJobs_InTheStore_ListsNewestFirst_ExactToTheTick_TiesById_FiltersAndPages_KeepsTheNewestVersion_AndNoStaleLine()
    {
        var user = "store-jobs-" + Guid.NewGuid().ToString("N")[..8];
        var lines = new ListedContracts(Storage, Grains, user);
        var start = Fixture.Clock.GetUtcNow();

        // Three contracts per creation time, 700 ns apart (finer than a microsecond); roles and statuses mixed.
        var summaries = Enumerable.Range(0, 12).Select(i => new ContractSummary(
            GrainKeys.NewContractId(), i % 2 == 0 ? PartyRole.Client : PartyRole.Freelancer, $"Contract {i}",
            i % 3 == 0 ? ContractStatus.Active : ContractStatus.Draft, start.AddTicks(i / 3 * 7), 1)).ToList();
        await Task.WhenAll(summaries.Select(lines.PutAsync));
        await lines.PutAsync(summaries[0] with { Status = ContractStatus.Ended, Version = 3 });
        await lines.PutAsync(summaries[0] with { Status = ContractStatus.Draft, Version = 2 });
        summaries[0] = summaries[0] with { Status = ContractStatus.Ended, Version = 3 };

        // A stale write of a contract (written over since it was read) stores none of its lines.
        var stale = new GrainState<ContractGrainState>(new ContractGrainState
        {
            Contract = new ContractState
            {
                Id = summaries[1].ContractId, Exists = true, Title = "Stale", Status = ContractStatus.Withdrawn, ClientId = user, FreelancerId = "someone", Version = 9,
            },
        });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StorageLayout.Contract, Grains.Contract(summaries[1].ContractId).GetGrainId(), stale));

        var expected = summaries.OrderByDescending(s => s.CreatedAt.UtcTicks).ThenBy(s => s.ContractId, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await ListAllAsync(user, null, null, 5));
        Assert.Equal(expected.Where(s => s.Role == PartyRole.Freelancer), await ListAllAsync(user, PartyRole.Freelancer, null, 2));
        Assert.Equal(
            expected.Where(s => s.Status is ContractStatus.Active or ContractStatus.Ended),
            await ListAllAsync(user, null, [ContractStatus.Active, ContractStatus.Ended], 3));
        Assert.Equal(
            expected.Where(s => s.Role == PartyRole.Client).Select(s => s.ContractId),
            (await ListAllAsync("other-" + user, PartyRole.Freelancer, null, 50)).Select(s => s.ContractId));
    }

    private async Task<List<ContractSummary>> ListAllAsync(string user, PartyRole? role, ContractStatus[]? statuses, int limit)
    {
        var all = new List<ContractSummary>();
        string? cursor = null;
        do
        {
            var page = Ok(await Grains.UserContracts().ListAsync(user, role, statuses, limit, cursor));
            Assert.True(page.Items.Count <= limit);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    [Fact]
    public async Task Lifecycle_FromOfferToApproval_IsStoredInTheDatabase_AndTheLedgerBalances()
    {
        await DepositAsync(Client, 3_000);
        var grain = await CreateActiveAsync(1_000, 2_000);

        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done", ["https://example.com/pr/1"]), CommandOptions.None));
        var view = Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None)).Contract;

        Assert.Equal((ContractStatus.Active, MilestoneStatus.Released, MilestoneStatus.Pending),
            (view.Status, view.Milestones[0].Status, view.Milestones[1].Status));
        Assert.Equal((1_000, 1_000, 0), (view.Funded, view.Released, view.Refunded));
        Assert.Equal((3_000 - 1_030, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal(1L, await CountStoredAsync("contract", grain.GetPrimaryKeyString()));
        Assert.Equal(1L, await CountStoredAsync("account", GrainKeys.User(Client.UserId)));
        Assert.Equal(1L, await CountStoredAsync("account", GrainKeys.FeeAccount(Usd)));
    }

    [Fact]
    public async Task State_SurvivesAFullRestartOfEverySilo_ExactlyAsItWas()
    {
        await DepositAsync(Client, 5_000);
        var grain = await CreateActiveAsync(1_000, 2_000, 1_500);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Ok(await grain.FundMilestoneAsync(Client, "m2", CommandOptions.None));
        var before = await SnapshotAsync(grain);

        await Fixture.RestartAsync();
        grain = Grains.Contract(grain.GetPrimaryKeyString());

        var after = await SnapshotAsync(grain);
        Assert.Equal(before.Contract, after.Contract);
        Assert.Equal(before.Events, after.Events);
        Assert.Equal(before.ClientAccount, after.ClientAccount);
        Assert.Equal(before.FreelancerAccount, after.FreelancerAccount);
        var client = await BalanceAsync(Client);
        Assert.Equal((5_000 - 1_030 - 2_060, 2_060, "m2"), (client.Available, client.Held, Assert.Single(client.Holds).MilestoneId));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal([MilestoneStatus.Released, MilestoneStatus.Funded, MilestoneStatus.Pending],
            (await ViewAsync(grain)).Milestones.Select(m => m.Status));
    }

    [Fact]
    public async Task WakeUp_StoredBeforeARestart_ReleasesAfterIt_ExactlyOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var submitted = Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None)).Contract;
        Assert.Equal(Fixture.Clock.GetUtcNow() + ReviewPeriod, submitted.Milestones[0].AutoReleaseAt);
        Assert.Equal(1L, await CountWakeUpsAsync(grain));

        await Fixture.RestartAsync();
        grain = Grains.Contract(grain.GetPrimaryKeyString());
        Assert.Equal(MilestoneStatus.Submitted, (await ViewAsync(grain)).Milestones[0].Status);
        await AdvanceAndWakeAsync(grain, ReviewPeriod);

        var view = await ViewAsync(grain);
        Assert.Equal((ContractStatus.Completed, MilestoneStatus.Released), (view.Status, view.Milestones[0].Status));
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        Assert.Equal((0, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        var release = Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.released");
        Assert.Equal(("system", "autorelease"), (release.Actor, release.Data["reason"]));
        Assert.Equal(0L, await CountWakeUpsAsync(grain));
    }

    [Fact]
    public async Task APendingRelease_IsWokenByTheWakeUpStoredWithItsAccount_AfterARestart_AndBecomesAvailable()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        var account = Grains.Account(Freelancer.UserId);
        Assert.Equal(Fixture.Clock.GetUtcNow() + SecurityPeriod, (await StoredAccountAsync(account)).WakeAt);
        Assert.Equal(1L, await CountWakeUpsAsync(account.GetPrimaryKeyString()));

        await Fixture.RestartAsync();
        var woken = Fixture.Probe.Woken(account.GetPrimaryKeyString());
        Fixture.Clock.Advance(SecurityPeriod);
        await ScanAsync();
        await woken.WaitAsync(TimeSpan.FromSeconds(10));

        var stored = await StoredAccountAsync(account);
        Assert.Equal((900, 0L, (DateTimeOffset?)null), (stored.Balances[Usd].Available, stored.Balances[Usd].Pending, stored.WakeAt));
        Assert.Empty(stored.Pending);
        Assert.Equal(0L, await CountWakeUpsAsync(account.GetPrimaryKeyString()));
        Assert.Equal((900, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Fact]
    public async Task Release_IsAcknowledgedBeforeItsOutcomeIsWritten_AndACrashRecoversExactlyWhatWasAcknowledged()
    {
        await DepositAsync(Client, 3_000);
        var grain = await CreateActiveAsync(1_000, 2_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var options = new CommandOptions("approve-m1");
        var acknowledged = Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), options));
        Assert.NotNull((await StoredContractAsync(grain)).Contract.OpenTransfer);

        // Killed before the outcome was written: the next activation finishes the stored intent once, to the same state.
        await Fixture.CrashAsync();
        grain = Grains.Contract(grain.GetPrimaryKeyString());
        Assert.NotNull((await StoredContractAsync(grain)).Contract.OpenTransfer);

        Assert.Equal(JsonSerializer.Serialize(acknowledged.Contract), JsonSerializer.Serialize(await ViewAsync(grain)));
        var replay = await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), options);
        Assert.True(replay.Replayed);
        Assert.Equal(JsonSerializer.Serialize(acknowledged), JsonSerializer.Serialize(replay.Value));
        Assert.Null((await StoredContractAsync(grain)).Contract.OpenTransfer);
        Assert.Equal((0, 900L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        var client = await BalanceAsync(Client);
        Assert.Equal((3_000 - 1_030, 0L), (client.Available, client.Held));
        Assert.Single(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events, e => e.Type == "milestone.released");
    }

    [Fact]
    public async Task Funding_IsAcknowledgedBeforeItsOutcomeIsWritten_AndACrashRecoversExactlyWhatWasAcknowledged()
    {
        await DepositAsync(Client, 3_000);
        var grain = await CreateActiveAsync(1_000, 2_000);
        var options = new CommandOptions("fund-m1");
        var acknowledged = Ok(await grain.FundMilestoneAsync(Client, "m1", options));
        Assert.NotNull((await StoredContractAsync(grain)).Contract.OpenTransfer);

        await Fixture.CrashAsync();
        grain = Grains.Contract(grain.GetPrimaryKeyString());
        Assert.NotNull((await StoredContractAsync(grain)).Contract.OpenTransfer);

        Assert.Equal(JsonSerializer.Serialize(acknowledged.Contract), JsonSerializer.Serialize(await ViewAsync(grain)));
        var replay = await grain.FundMilestoneAsync(Client, "m1", options);
        Assert.True(replay.Replayed);
        Assert.Equal(JsonSerializer.Serialize(acknowledged), JsonSerializer.Serialize(replay.Value));
        Assert.Null((await StoredContractAsync(grain)).Contract.OpenTransfer);
        var client = await BalanceAsync(Client);
        Assert.Equal((3_000 - 1_030, 1_030L, "m1"), (client.Available, client.Held, Assert.Single(client.Holds).MilestoneId));
    }

    [Fact]
    public async Task Funding_OutcomeIsWrittenWithTheNextChange_OrWhenTheContractDeactivates()
    {
        await DepositAsync(Client, 3_000);
        var first = await CreateActiveAsync(500, 1_000);
        Ok(await first.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Assert.Equal(MilestoneStatus.Pending, (await StoredContractAsync(first)).Contract.Milestones[0].Status);

        // No submission here: a pending auto-release would fire when a later test moves the shared clock.
        Ok(await first.EditMilestoneAsync(Client, new EditMilestone("m2", null, null, 1_500), CommandOptions.None));
        var stored = await StoredContractAsync(first);
        Assert.Equal((null, MilestoneStatus.Funded, 1_500L), (stored.Contract.OpenTransfer, stored.Contract.Milestones[0].Status, stored.Contract.Milestones[1].Amount));

        var second = await CreateActiveAsync(500);
        Ok(await second.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        await Fixture.Cluster.DeactivateAsync(second);
        stored = await StoredContractAsync(second);
        Assert.Equal((null, MilestoneStatus.Funded), (stored.Contract.OpenTransfer, stored.Contract.Milestones[0].Status));
    }

    [Fact]
    public async Task TheDueGrains_AreTheRowsWhoseWakeUpHasCome_EarliestFirst_WrittenWithTheirState()
    {
        // Long before any test's clock, so that no other test's rows come first.
        var epoch = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var storage = GrainStorage();
        GrainId Row(string name) => GrainId.Create(StorageLayout.Contract, $"ctr_wake{name}{Guid.NewGuid():N}");
        async Task<GrainState<ContractGrainState>> WriteAsync(GrainId id, DateTimeOffset? wakeAt)
        {
            var row = new GrainState<ContractGrainState>(new ContractGrainState { WakeAt = wakeAt });
            await storage.WriteStateAsync(StorageLayout.Contract, id, row);
            return row;
        }

        var (third, first, second, later, cleared, rewritten) = (Row("3"), Row("1"), Row("2"), Row("later"), Row("cleared"), Row("rewritten"));
        await WriteAsync(third, epoch.AddMinutes(3));
        await WriteAsync(first, epoch.AddMinutes(1));
        await WriteAsync(second, epoch.AddMinutes(2));
        await WriteAsync(later, epoch.AddMinutes(10));
        await storage.ClearStateAsync(StorageLayout.Contract, cleared, await WriteAsync(cleared, epoch));
        var moved = await WriteAsync(rewritten, epoch);
        moved.State!.WakeAt = null;
        await storage.WriteStateAsync(StorageLayout.Contract, rewritten, moved);

        var due = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IDueGrains>();
        Assert.Equal([first, second, third], await due.DueAsync(epoch.AddMinutes(5), 10, CancellationToken.None));
        Assert.Equal([first], await due.DueAsync(epoch.AddMinutes(5), 1, CancellationToken.None));
    }

    [Fact]
    public async Task StaleWrite_IsRejectedByTheStore_AndNothingIsLost()
    {
        // A registry shard outside the ledger's range: a grain with a real state name and a small state.
        var registry = Grains.GetGrain<IAccountRegistryGrain>(StorageLayout.AccountRegistryShards + Random.Shared.Next(1_000, 1_000_000));
        await registry.RegisterAsync("a");
        var storage = GrainStorage();
        var id = registry.GetGrainId();
        var first = new GrainState<HashSet<string>>([]);
        var second = new GrainState<HashSet<string>>([]);
        await storage.ReadStateAsync("accountRegistry", id, first);
        await storage.ReadStateAsync("accountRegistry", id, second);
        Assert.True(first.RecordExists);
        Assert.Equal(["a"], first.State!);
        Assert.Equal(first.ETag, second.ETag);

        first.State!.Add("b");
        await storage.WriteStateAsync("accountRegistry", id, first);
        second.State!.Add("c");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("accountRegistry", id, second));

        var stored = new GrainState<HashSet<string>>([]);
        await storage.ReadStateAsync("accountRegistry", id, stored);
        Assert.Equal(["a", "b"], stored.State!.Order());
        Assert.Equal(first.ETag, stored.ETag);

        // The live activation's copy is stale too: its write is rejected, and the next activation sees every write.
        await Assert.ThrowsAsync<InconsistentStateException>(() => registry.RegisterAsync("d"));
        await Fixture.Cluster.DeactivateAsync(registry);
        await registry.RegisterAsync("d");
        Assert.Equal(["a", "b", "d"], (await registry.ListAsync()).Order());
    }

    [Fact]
    public async Task ConcurrentWrites_OfManyGrains_AllCommit_AndAStaleOneFailsAlone()
    {
        var storage = GrainStorage();
        var ids = Enumerable.Range(0, 300).Select(_ => GrainId.Create("storagetest", Guid.NewGuid().ToString("N"))).ToArray();
        var states = ids.Select(_ => new GrainState<List<int>>([1])).ToArray();
        await Task.WhenAll(ids.Select((id, i) => storage.WriteStateAsync("storagetest", id, states[i])));

        var stale = new GrainState<List<int>>([]);
        await storage.ReadStateAsync("storagetest", ids[0], stale);
        states[0].State!.Add(2);
        await storage.WriteStateAsync("storagetest", ids[0], states[0]);

        // Every grain writes again at once (so that writes share batches), plus the stale copy of the first.
        stale.State!.Add(99);
        var writes = ids.Select((id, i) =>
        {
            states[i].State!.Add(3);
            return storage.WriteStateAsync("storagetest", id, states[i]);
        }).ToList();
        var staleWrite = storage.WriteStateAsync("storagetest", ids[0], stale);
        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);

        for (var i = 0; i < ids.Length; i++)
        {
            var stored = new GrainState<List<int>>([]);
            await storage.ReadStateAsync("storagetest", ids[i], stored);
            Assert.True(stored.RecordExists);
            Assert.Equal(i == 0 ? [1, 2, 3] : [1, 3], stored.State!);
            Assert.Equal(states[i].ETag, stored.ETag);
        }
    }

    [Fact]
    public async Task TwoCopiesOfOneGrain_WritingAtOnce_OnlyOneCommits()
    {
        var storage = GrainStorage();
        var id = GrainId.Create("storagetest", Guid.NewGuid().ToString("N"));
        var first = new GrainState<List<int>>([]);
        var second = new GrainState<List<int>>([]);
        await storage.ReadStateAsync("storagetest", id, first);
        await storage.ReadStateAsync("storagetest", id, second);
        Assert.False(first.RecordExists);
        first.State!.Add(1);
        second.State!.Add(2);

        var results = await Task.WhenAll(
            CaptureAsync(storage.WriteStateAsync("storagetest", id, first)),
            CaptureAsync(storage.WriteStateAsync("storagetest", id, second)));

        var winner = Assert.Single(results, r => r is null) == results[0] ? first : second;
        Assert.IsType<InconsistentStateException>(Assert.Single(results, r => r is not null));
        var stored = new GrainState<List<int>>([]);
        await storage.ReadStateAsync("storagetest", id, stored);
        Assert.Equal(winner.State, stored.State);
        Assert.Equal(winner.ETag, stored.ETag);
    }

    [Fact]
    public async Task Clear_EmptiesTheRow_AndAStaleCopyCannotWriteAfterIt()
    {
        var storage = GrainStorage();
        var id = GrainId.Create("storagetest", Guid.NewGuid().ToString("N"));
        var live = new GrainState<List<int>>([1]);
        await storage.WriteStateAsync("storagetest", id, live);
        var stale = new GrainState<List<int>>([]);
        await storage.ReadStateAsync("storagetest", id, stale);

        await storage.ClearStateAsync("storagetest", id, live);
        var cleared = new GrainState<List<int>>([]);
        await storage.ReadStateAsync("storagetest", id, cleared);
        Assert.Equal((false, 0, live.ETag), (cleared.RecordExists, cleared.State!.Count, cleared.ETag));

        stale.State!.Add(9);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("storagetest", id, stale));
        live.State = [5];
        await storage.WriteStateAsync("storagetest", id, live);
        await storage.ReadStateAsync("storagetest", id, cleared);
        Assert.Equal([5], cleared.State!);
    }

    private async Task<ContractGrainState> StoredContractAsync(IContractGrain grain)
    {
        var stored = new GrainState<ContractGrainState>(new ContractGrainState());
        await GrainStorage().ReadStateAsync("contract", grain.GetGrainId(), stored);
        return stored.State!;
    }

    protected IGrainStorage GrainStorage() =>
        Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);

    /// <summary>The write's failure, or null once it has committed.</summary>
    protected static async Task<Exception?> CaptureAsync(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>The bytes of the account's row as stored (compressed).</summary>
    private async Task<long> StoredLengthAsync(IAccountGrain account) =>
        Convert.ToInt64(await Store.ScalarAsync(
            $"SELECT length(payload) FROM grainstate WHERE statename = '{StorageLayout.Account}' AND serviceid = '{Fixture.ServiceId}' AND grainid = '{account.GetGrainId()}'"),
            CultureInfo.InvariantCulture);

    private async Task<long> CountStoredAsync(string stateName, string key)
    {
        // The same table in both schemas; the grain id is stored in its text form, "{type}/{key}".
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT COUNT(*) FROM grainstate WHERE statename = '{stateName}' AND serviceid = '{Fixture.ServiceId}' AND payload IS NOT NULL AND grainid LIKE '%/{key}'");
        return Convert.ToInt64(await Store.ScalarAsync(sql), CultureInfo.InvariantCulture);
    }

    private Task<long> CountWakeUpsAsync(IContractGrain grain) => CountWakeUpsAsync(grain.GetPrimaryKeyString());

    private async Task<long> CountWakeUpsAsync(string key)
    {
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT COUNT(*) FROM grainstate WHERE serviceid = '{Fixture.ServiceId}' AND wakeat IS NOT NULL AND grainid LIKE '%{key}'");
        return Convert.ToInt64(await Store.ScalarAsync(sql), CultureInfo.InvariantCulture);
    }

    private async Task<Snapshot> SnapshotAsync(IContractGrain grain) => new(
        JsonSerializer.Serialize(await ViewAsync(grain)),
        JsonSerializer.Serialize(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events),
        JsonSerializer.Serialize(Ok(await Grains.Account(Client.UserId).GetAsync(Client))),
        JsonSerializer.Serialize(Ok(await Grains.Account(Freelancer.UserId).GetAsync(Freelancer))));

    private sealed record Snapshot(string Contract, string Events, string ClientAccount, string FreelancerAccount);
}

[Collection(nameof(PostgresGrainTests))]
public sealed class PostgresGrainTests(PostgresClusterFixture fixture)
    : StoreGrainTests<PostgresClusterFixture>(fixture), IClassFixture<PostgresClusterFixture>
{
    [Fact]
    public async Task ADatabaseErrorInABatch_LeavesNothingAcknowledgedUnstored_AndLaterWritesCommit()
    {
        var storage = GrainStorage();
        var ids = Enumerable.Range(0, 100).Select(_ => GrainId.Create("storagetest", Guid.NewGuid().ToString("N"))).ToArray();

        // A state name longer than the column allows makes PostgreSQL refuse the statement it is batched in.
        var writes = ids.Select(id => CaptureAsync(storage.WriteStateAsync("storagetest", id, new GrainState<List<int>>([1])))).ToList();
        var refused = storage.WriteStateAsync(new string('x', 200), ids[0], new GrainState<List<int>>([2]));
        var outcomes = await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<Exception>(() => refused);

        for (var i = 0; i < ids.Length; i++)
        {
            var stored = new GrainState<List<int>>([]);
            await storage.ReadStateAsync("storagetest", ids[i], stored);
            Assert.Equal(outcomes[i] is null, stored.RecordExists);
            if (!stored.RecordExists)
            {
                await storage.WriteStateAsync("storagetest", ids[i], new GrainState<List<int>>([1]));
                await storage.ReadStateAsync("storagetest", ids[i], stored);
            }

            Assert.Equal([1], stored.State!);
        }
    }
}

[Collection(nameof(SqliteGrainTests))]
public sealed class SqliteGrainTests(SqliteClusterFixture fixture)
    : StoreGrainTests<SqliteClusterFixture>(fixture), IClassFixture<SqliteClusterFixture>;
