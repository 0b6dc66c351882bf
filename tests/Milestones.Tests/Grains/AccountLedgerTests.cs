using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// An account's ledger lines are its events, kept in its stream, beside its balances and holds as they stand and a
/// snapshot of its holds every 256 lines: a reactivated account is exactly the account it was, and old transfer ids
/// still replay — found by their id in the stream, or where an earlier build stored them (its pages, the rows that
/// name their sealed line, never through a stale one, and the tail it left in the row).
/// Concurrent transfers share the account's writes; a failed write fails every transfer it carried, and their
/// contracts finish them exactly once.
/// </summary>
public sealed class AccountLedgerTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private const int SnapshotLines = StorageLayout.HoldsSnapshotLines;

    // Deposit references are unique across all accounts: each test uses its own.
    private readonly string first = "first-" + Guid.NewGuid().ToString("N");
    private readonly string snapshotReference = "snapshot-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Ledger_AcrossAHoldsSnapshot_IsRestoredExactly_WithItsHolds_AndOldTransfersStillReplay()
    {
        await DepositAsync(Client, 10_000, first);
        var early = await FundedContractsAsync(3);
        await DepositsUpToLineAsync(SnapshotLines + 10);

        var late = await FundedContractsAsync(1);
        Ok(await early[1].EndAsync(Client, new EndContract(HeldFunds.Refund, "Not needed"), CommandOptions.None));
        var before = await SnapshotAsync();

        await Fixture.Cluster.DeactivateAsync(Grains.Account(Client.UserId));

        Assert.Equal(before, await SnapshotAsync());
        var holds = (await BalanceAsync(Client)).Holds.Select(h => h.ContractId).Order().ToList();
        Assert.Equal(new[] { early[0], early[2], late[0] }.Select(g => g.GetPrimaryKeyString()).Order().ToList(), holds);
        Assert.True((await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(10_000, Usd, first))).Replayed);
        Rejected(await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(5, Usd, first)), "deposit_reference_conflict");

        // The holds rebuilt from the snapshot and the lines since are real: the early contracts can still release and
        // refund. Each held 103 (100 and the client's fee of 3): two are refunded, one released, one still held.
        Ok(await early[0].EndAsync(Client, new EndContract(HeldFunds.Refund, "Done here"), CommandOptions.None));
        Ok(await early[2].SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await early[2].ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Assert.Equal((10_000 + SnapshotLines + 10 - 4 - 206, 103L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal((0, 90L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    /// <summary>
    /// A freelancer's credits pending in their security period are not in its row: the holds snapshot keeps them, and an
    /// activation rebuilds them from it and the lines since. The write that passes the snapshot's line may fail at the
    /// snapshot or at the row that would count it: the account then reactivates exactly as it was, and the retry writes
    /// the snapshot.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("accountHolds/1")]
    [InlineData(StorageLayout.Account)]
    public async Task PendingCredits_AreNotInTheRow_TheyAreRestoredFromTheSnapshotAndTheLinesSince_AndBecomeAvailable(string? failingRow)
    {
        // Two credits pending before the freelancer's ledger passes a snapshot, one after it.
        await DepositAsync(Client, 10_000, first);
        async Task ReleaseAsync(IContractGrain contract)
        {
            Ok(await contract.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
            Ok(await contract.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        }

        var freelancer = Grains.Account(Freelancer.UserId);
        string Read(AccountView view, AccountReport report) => JsonSerializer.Serialize(new { view, report });
        async Task<string> ReadAsync() => Read(Ok(await freelancer.GetAsync(Freelancer)), await freelancer.ReportAsync());
        var contracts = await FundedContractsAsync(3);
        await ReleaseAsync(contracts[0]);
        await ReleaseAsync(contracts[1]);
        for (var i = 0; i < SnapshotLines - 3; i++)
        {
            await DepositAsync(Freelancer, 1);
        }

        // The deposit of the snapshot's line (line 256), failing first where the theory says.
        if (failingRow is not null)
        {
            var before = await ReadAsync();
            Fixture.Probe.FailNextWrite(freelancer.GetGrainId(), failingRow);
            await Assert.ThrowsAnyAsync<Exception>(() => freelancer.DepositAsync(Platform, new Deposit(1, Usd, snapshotReference)));
            await Fixture.Cluster.DeactivateAsync(freelancer);
            Assert.Equal(before, await ReadAsync());
            Assert.Equal((SnapshotLines - 3L, 180L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        }

        Assert.False((await freelancer.DepositAsync(Platform, new Deposit(1, Usd, snapshotReference))).Replayed);
        await ReleaseAsync(contracts[2]);
        var stored = await StoredAccountAsync(freelancer);
        Assert.Equal((SnapshotLines + 1L, (long?)SnapshotLines, (List<PendingCredit>?)null), (stored.Lines, stored.HoldsAsOf, stored.PendingInRow));
        var now = await ReadAsync();

        await Fixture.Cluster.DeactivateAsync(freelancer);
        Assert.Equal(now, await ReadAsync());
        Assert.Equal((SnapshotLines - 2L, 270L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));

        // Restored, they are real: each becomes available when its security period ends.
        Fixture.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal((SnapshotLines + 268L, 0L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
        await LedgerExactAsync();
    }

    [Fact]
    public async Task LedgerLines_OutliveTheFeedsRetention_WhileTheirEventsLeaveTheFeed()
    {
        await DepositAsync(Client, 10_000, first);
        await FundedContractsAsync(1);
        var before = await SnapshotAsync();

        var feed = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventFeed>();
        await feed.PruneAsync(Fixture.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
        await Fixture.Cluster.DeactivateAsync(Grains.Account(Client.UserId));

        Assert.Equal(before, await SnapshotAsync());
        Assert.True((await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(10_000, Usd, first))).Replayed);
        var stream = FeedEvents.AccountStream(Client.UserId);
        Assert.DoesNotContain((await feed.ReadAsync(0, 500, null, CancellationToken.None)).Events, e => e.Body.Contains(stream, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TransferKind.Hold)]
    [InlineData(TransferKind.Capture)]
    public async Task ATransferAppliedWhoseAnswerWasLost_IsReplayedFromTheStream_WhenItsContractFinishesIt(TransferKind lost)
    {
        await DepositAsync(Client, 10_000, first);
        var grain = await CreateActiveAsync(1_000);
        if (lost == TransferKind.Capture)
        {
            Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
            Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        }

        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), lost, afterApplying: true);
        Func<Task<Outcome<ContractResult>>> command = lost == TransferKind.Hold
            ? () => grain.FundMilestoneAsync(Client, "m1", new CommandOptions("lost-answer"))
            : () => grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), new CommandOptions("lost-answer"));
        Rejected(await command(), "transfer_in_progress");

        // Lines past the next holds snapshot put the applied transfer's line before it, so a new activation (from the
        // stored row, the snapshot and the lines since) does not read it: it is looked up by its id.
        await DepositsUpToLineAsync(SnapshotLines + 2);
        await Fixture.Cluster.DeactivateAsync(Grains.Account(Client.UserId));
        var retried = Ok(await command());

        Assert.Equal(lost == TransferKind.Hold ? MilestoneStatus.Funded : MilestoneStatus.Released, retried.Contract.Milestones[0].Status);
        var lines = Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 500)).Entries;
        Assert.Single(lines, l => l.Order.Kind == lost);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), lines.Select(l => l.Seq));
        var balance = await BalanceAsync(Client);
        var deposits = lines.Count(l => l.Order.Kind == TransferKind.Deposit) - 1;
        Assert.Equal((10_000 + deposits - 1_030, lost == TransferKind.Hold ? 1_030L : 0L), (balance.Available, balance.Held));
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, lost == TransferKind.Hold ? 0L : 900L), (freelancer.Available, freelancer.Pending));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnAccountAnEarlierBuildStored_IsReadWhole_ReplaysItsOldTransfers_AndGoesOnInItsStream(bool wholeDigestNames)
    {
        // As an earlier build left it: 17 sealed pages (a holds snapshot as of line 256), their lines found by rows
        // named by the id's hash (in the form a still earlier build gave them, or the later one), 5 lines in the row.
        var account = Grains.Account(Client.UserId);
        const int stored = (17 * StorageLayout.LedgerPageSize) + 5;
        await EarlierBuildAccountAsync(17, 5, wholeDigestNames);

        Assert.Equal(stored, (await BalanceAsync(Client)).Available);
        Assert.Equal(Enumerable.Range(1, stored).Select(i => (long)i), (await AllLinesAsync()).Select(l => l.Seq));
        foreach (var line in new[] { 1, 200, 260, stored })
        {
            Assert.True((await account.DepositAsync(Platform, new Deposit(1, Usd, $"{first}-{line}"))).Replayed);
        }

        Rejected(await account.DepositAsync(Platform, new Deposit(2, Usd, $"{first}-1")), "deposit_reference_conflict");

        // It goes on in its stream, past the next holds snapshot; each reactivation reads it whole, and the old lines
        // still replay.
        var early = await FundedContractsAsync(1);
        await DepositsUpToLineAsync((2 * SnapshotLines) + 3);
        var before = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(account);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(Enumerable.Range(1, (2 * SnapshotLines) + 3).Select(i => (long)i), (await AllLinesAsync()).Select(l => l.Seq));
        foreach (var line in new[] { 1, 200, stored })
        {
            Assert.True((await account.DepositAsync(Platform, new Deposit(1, Usd, $"{first}-{line}"))).Replayed);
        }

        Ok(await early[0].EndAsync(Client, new EndContract(HeldFunds.Refund, "Done here"), CommandOptions.None));
        Assert.Equal(((2 * SnapshotLines) + 3 - 1, 0L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000L)]
    public async Task ARowNamingALineOfAnotherTransferOrOfNoCountedPage_IsNotTakenForThisTransfer(long namedLine)
    {
        await EarlierBuildAccountAsync(16, 0, wholeDigestNames: false);
        await DepositAsync(Client, 10_000, first);

        // A row an interrupted seal of the earlier build could have left for this contract's hold: naming line 1 (a
        // deposit's, sealed and counted) or a line beyond every counted page.
        var grain = await CreateActiveAsync(1_000);
        var account = Grains.Account(Client.UserId);
        var holdId = $"{grain.GetPrimaryKeyString()}/m1/fund";
        await Storage.WriteStateAsync(StorageLayout.LedgerLine(holdId), account.GetGrainId(), new GrainState<LedgerLineRef>(new LedgerLineRef(namedLine)));
        await Fixture.Cluster.DeactivateAsync(account);

        // The hold fails before it is applied, so its contract sends it again, as one that may have been applied.
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying: false);
        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Assert.Equal((10_000 + SnapshotLines - 1_030, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Single(await AllLinesAsync(), l => l.Order.TransferId == holdId);
    }

    [Theory]
    [InlineData("accountHolds/0")]
    [InlineData(StorageLayout.Account)]
    public async Task ASnapshotWriteThatFails_LeavesTheCountedHoldsSnapshot_AndTheAccountReactivatesExactly(string failingRow)
    {
        // Holds of A and B early; A released and C funded later; then deposits up to the line before the second holds
        // snapshot (written in the other slot than the first, which the row counts until then).
        const int snapshotLine = 2 * SnapshotLines;
        await DepositAsync(Client, 10_000, first);
        var early = await FundedContractsAsync(2);
        await DepositsUpToLineAsync(snapshotLine / 2);
        Ok(await early[0].SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await early[0].ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        var late = await FundedContractsAsync(1);
        await DepositsUpToLineAsync(snapshotLine - 1);
        var before = await SnapshotAsync();

        // The write that completes the line fails: at the snapshot, or at the row that would count it after the
        // snapshot was written in the other slot.
        var account = Grains.Account(Client.UserId);
        Fixture.Probe.FailNextWrite(account.GetGrainId(), failingRow);
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, new Deposit(1, Usd, snapshotReference)));
        await Fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await SnapshotAsync());
        var holds = (await BalanceAsync(Client)).Holds.Select(h => h.ContractId).Order().ToList();
        Assert.Equal(new[] { early[1], late[0] }.Select(g => g.GetPrimaryKeyString()).Order().ToList(), holds);

        // Retried, the deposit completes the line and writes the snapshot; a new activation reads it, and a later one
        // reads it with the lines since.
        Assert.False((await account.DepositAsync(Platform, new Deposit(1, Usd, snapshotReference))).Replayed);
        foreach (var lines in new[] { snapshotLine, snapshotLine + 35 })
        {
            await DepositsUpToLineAsync(lines);
            var now = await SnapshotAsync();
            await Fixture.Cluster.DeactivateAsync(account);
            Assert.Equal(now, await SnapshotAsync());
        }

        Ok(await early[1].EndAsync(Client, new EndContract(HeldFunds.Refund, "Done here"), CommandOptions.None));
        Ok(await late[0].EndAsync(Client, new EndContract(HeldFunds.Refund, "Done here"), CommandOptions.None));
        Assert.Equal(0, (await BalanceAsync(Client)).Held);
    }

    [Fact]
    public async Task AFailedAccountWrite_FailsTheTransfersItCarried_AndEachIsFinishedExactlyOnceOnRetry()
    {
        await DepositAsync(Client, 10_000);
        var contracts = new IContractGrain[8];
        for (var i = 0; i < contracts.Length; i++)
        {
            contracts[i] = await CreateActiveAsync(100);
        }

        Fixture.Probe.FailNextWrite(Grains.Account(Client.UserId).GetGrainId());
        var first = await Task.WhenAll(contracts.Select((c, i) => c.FundMilestoneAsync(Client, "m1", new CommandOptions($"fund-{i}"))));
        Assert.Contains(first, o => o.Error?.Code == "transfer_in_progress");
        Assert.All(first, o => Assert.True(o.Succeeded || o.Error?.Code == "transfer_in_progress", o.Error?.Code));

        // A retry with the same key finishes the open transfer (the account reloaded from the store) and replays its result.
        var retried = await Task.WhenAll(contracts.Select((c, i) => c.FundMilestoneAsync(Client, "m1", new CommandOptions($"fund-{i}"))));
        Assert.All(retried, o => Assert.Equal(MilestoneStatus.Funded, Ok(o).Contract.Milestones[0].Status));
        var balance = await BalanceAsync(Client);
        Assert.Equal((10_000 - 824, 824L, 8), (balance.Available, balance.Held, balance.Holds.Count));
        Assert.All(balance.Holds, h => Assert.Equal(103, h.Amount));
        Assert.Equal(9, Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 500)).Entries.Count);
    }

    [Fact]
    public async Task AFailedSnapshot_FailsTheTransferThatCompletedItsLines_AndItsRetryLandsOnce()
    {
        await DepositsUpToLineAsync(SnapshotLines - 1);

        var account = Grains.Account(Client.UserId);
        var completing = new Deposit(5, Usd, snapshotReference);
        Fixture.Probe.FailNextWrite(account.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, completing));
        Assert.Equal(SnapshotLines - 1, (await BalanceAsync(Client)).Available);

        Assert.False((await account.DepositAsync(Platform, completing)).Replayed);
        Assert.True((await account.DepositAsync(Platform, completing)).Replayed);
        var before = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(SnapshotLines - 1 + 5, (await BalanceAsync(Client)).Available);
        Assert.Equal(SnapshotLines, (await AllLinesAsync()).Count);
    }

    [Fact]
    public async Task AFailedRegistration_FailsTheFirstDeposit_AndItsRetryRegistersTheAccountDurably()
    {
        var account = Grains.Account(Client.UserId);
        var registry = Grains.GetGrain<IAccountRegistryGrain>(AccountRegistryGrain.ShardOf(GrainKeys.User(Client.UserId)));
        var deposit = new Deposit(100, Usd, first);
        Fixture.Probe.FailNextWrite(registry.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, deposit));
        Assert.Equal(0, (await BalanceAsync(Client)).Available);

        var retried = await account.DepositAsync(Platform, deposit);
        Assert.Null(retried.Error);
        Assert.False(retried.Replayed);

        // The ledger check must find the account from the stored registry, not from a copy in memory.
        await Fixture.Cluster.DeactivateAsync(registry);
        Assert.Contains(GrainKeys.User(Client.UserId), await registry.ListAsync());
        Assert.Equal(100, (await BalanceAsync(Client)).Available);
    }

    [Fact]
    public async Task ASettlement_IsNoWriteOfItsOwn_TheNextWriteOrDeactivationStoresIt_AndOneLostIsMadeAgainByTheCheck()
    {
        await DepositAsync(Client, 10_000, first);
        var contracts = await FundedContractsAsync(2);
        var account = Grains.Account(Client.UserId);
        async Task<List<string>> StoredSourcesAsync() =>
            [.. (await StoredAccountAsync(account)).InTransit.Values.Select(l => l.Source).Distinct()];

        // The capture's write stores its legs in transit; the settlement once they landed is kept in memory only.
        await ApprovedAndSettledAsync(contracts[0]);
        var firstCapture = Assert.Single(await StoredSourcesAsync());
        Assert.StartsWith(contracts[0].GetPrimaryKeyString(), firstCapture);

        // The next capture's write stores it.
        await ApprovedAndSettledAsync(contracts[1]);
        var secondCapture = Assert.Single(await StoredSourcesAsync());
        Assert.StartsWith(contracts[1].GetPrimaryKeyString(), secondCapture);

        // Lost (the write on deactivation fails, as a crash would lose it): the reactivated account has the legs in
        // transit again, the check counts the money once (its destinations hold it) and settles the capture again.
        Fixture.Probe.FailNextWrite(account.GetGrainId());
        await Fixture.Cluster.DeactivateAsync(account);
        Assert.Equal([secondCapture], await StoredSourcesAsync());
        Assert.Equal([secondCapture], (await account.ReportAsync()).InTransit.Select(t => t.Source).Distinct());
        await LedgerExactAsync();
        await SettledAsync(account);

        // Stored on deactivation.
        await Fixture.Cluster.DeactivateAsync(account);
        Assert.Empty(await StoredSourcesAsync());
    }

    [Fact]
    public async Task AnAccountsRow_CountsTheLinesAndWakesForTheDueTime_ItIsWrittenWith_NotWhenItsWriteWasAsked()
    {
        // Orleans' storage bridge runs a write after the grain asks for it (it yields first), between the grain's turns:
        // a reentrant account may apply transfers in between. So the line count and the wake-up are set in the step that
        // serializes the row, here from a state whose own are stale. (Due in 50 years: no test's clock reaches it.)
        var grain = Grains.Account("written-" + Guid.NewGuid().ToString("N")).GetGrainId();
        var due = Fixture.Clock.GetUtcNow().AddYears(50);
        var state = new AccountState { StreamFrom = 0, HoldsAsOf = 0, Lines = 0, WakeAt = null };
        state.Entries.Add(new LedgerEntry(1, new TransferOrder("t1", TransferKind.Credit, new Money(5, Usd), AvailableAt: due), due.AddYears(-50), 0, 0, 5));
        state.Pending.Add(new PendingCredit("t1", new Money(5, Usd), due));

        await Storage.WriteStateAsync(StorageLayout.Account, grain, new GrainState<AccountState>(state));

        var stored = new GrainState<AccountState>(new AccountState());
        await Storage.ReadStateAsync(StorageLayout.Account, grain, stored);
        Assert.Equal((1L, due), (stored.State!.Lines, stored.State.WakeAt));
    }

    [Fact]
    public async Task ARowWrittenWhileTransfersArrive_CountsTheLinesItsEventsStore_SoAFailedNextWriteLosesNoLine()
    {
        var account = Grains.Account(Client.UserId);
        var ledger = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ILedgerLines>();
        var stream = FeedEvents.AccountStream(Client.UserId);
        await DepositAsync(Client, 1, first);

        // Orleans' storage bridge runs a write after the grain asks for it, between its turns: transfers arriving at once
        // (as a release's credits do) change the account before the first write is serialized. The write after it
        // fails, so the account is read back from that first write, which must count exactly the lines stored with it.
        Fixture.Probe.FailNextWrite(account.GetGrainId(), skip: 1);
        var orders = Enumerable.Range(0, 20).Select(i => new TransferOrder($"{first}/{i}", TransferKind.Deposit, new Money(1, Usd))).ToList();
        async Task<bool> Applied(TransferOrder order, bool resent)
        {
            try
            {
                return (await account.ApplyAsync(order, resent)).Error is null;
            }
            catch (Exception)
            {
                return false;
            }
        }

        Assert.Contains(false, await Task.WhenAll(orders.Select(o => Applied(o, resent: false))));
        Assert.Equal((await ledger.ReadLinesAsync(stream, 0, 1_000)).Count, (await StoredAccountAsync(account)).Lines);

        // Every transfer sent again lands once, each with its line.
        foreach (var order in orders)
        {
            Assert.True(await Applied(order, resent: true));
        }

        var lines = await ledger.ReadLinesAsync(stream, 0, 1_000);
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), lines.Select(l => l.Seq));
        Assert.Equal(21, lines.Select(l => l.Order.TransferId).Distinct().Count());
        Assert.Equal(21, (await BalanceAsync(Client)).Available);
        Assert.Equal(21, (await StoredAccountAsync(account)).Lines);
    }

    private async Task ApprovedAndSettledAsync(IContractGrain contract)
    {
        Ok(await contract.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await contract.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        await SettledAsync(Grains.Account(Client.UserId));
    }

    /// <summary>Waits until the account has nothing in transit (a settlement is a one-way message).</summary>
    private static async Task SettledAsync(IAccountGrain account)
    {
        for (var i = 0; (await account.ReportAsync()).InTransit.Count > 0; i++)
        {
            Assert.True(i < 100, "The account never settled its capture.");
            await Task.Delay(50);
        }
    }

    private async Task<IContractGrain[]> FundedContractsAsync(int count)
    {
        var grains = new IContractGrain[count];
        for (var i = 0; i < count; i++)
        {
            grains[i] = await CreateActiveAsync(100);
            Ok(await grains[i].FundMilestoneAsync(Client, "m1", CommandOptions.None));
        }

        return grains;
    }

    /// <summary>Deposits of 1 until the client's ledger has <paramref name="lines"/> lines.</summary>
    private async Task DepositsUpToLineAsync(int lines)
    {
        for (var i = (await AllLinesAsync()).Count; i < lines; i++)
        {
            await DepositAsync(Client, 1);
        }
    }

    /// <summary>
    /// Stores the client's account as an earlier build left it: <paramref name="pages"/> sealed pages and
    /// <paramref name="tail"/> lines in its row, each a deposit of 1 (<c>{first}-{line}</c>), found by rows named as
    /// that build or a still earlier one named them, and the holds snapshot (none open) its sealed pages counted.
    /// </summary>
    private async Task EarlierBuildAccountAsync(int pages, int tail, bool wholeDigestNames)
    {
        var grain = Grains.Account(Client.UserId).GetGrainId();
        var lines = Enumerable.Range(1, (pages * StorageLayout.LedgerPageSize) + tail)
            .Select(i => new LedgerEntry(i, new TransferOrder($"deposit/{first}-{i}", TransferKind.Deposit, new Money(1, Usd)), Fixture.Clock.GetUtcNow(), i, 0))
            .ToList();
        foreach (var page in lines.Take(pages * StorageLayout.LedgerPageSize).Chunk(StorageLayout.LedgerPageSize))
        {
            await Storage.WriteStateAsync(StorageLayout.LedgerPage((int)((page[0].Seq - 1) / StorageLayout.LedgerPageSize)), grain, new GrainState<LedgerPage>(new LedgerPage { Entries = [.. page] }));
            foreach (var line in page)
            {
                var name = wholeDigestNames ? StorageLayout.EarlierLedgerLine(line.Order.TransferId) : StorageLayout.LedgerLine(line.Order.TransferId);
                await Storage.WriteStateAsync(name, grain, new GrainState<LedgerLineRef>(new LedgerLineRef(line.Seq)));
            }
        }

        if (pages >= SnapshotLines / StorageLayout.LedgerPageSize)
        {
            var asOf = (long)pages * StorageLayout.LedgerPageSize / SnapshotLines * SnapshotLines;
            await Storage.WriteStateAsync(StorageLayout.AccountHolds(0), grain, new GrainState<HoldsSnapshot>(new HoldsSnapshot { AsOfLine = asOf }));
        }

        var state = new AccountState
        {
            Balances = { [Usd] = new CurrencyBalance { Available = lines.Count, Deposited = lines.Count } },
            SealedPages = pages,
            Tail = [.. lines.Skip(pages * StorageLayout.LedgerPageSize)],
            ShortLineRefsFrom = wholeDigestNames ? null : 0,
        };
        await Storage.WriteStateAsync(StorageLayout.Account, grain, new GrainState<AccountState>(state));
    }

    private async Task<List<LedgerEntry>> AllLinesAsync()
    {
        var lines = new List<LedgerEntry>();
        for (long? after = 0; after is { } from;)
        {
            var page = Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, from, 500));
            lines.AddRange(page.Entries);
            after = page.NextAfter;
        }

        return lines;
    }


    private async Task<string> SnapshotAsync()
    {
        var account = Grains.Account(Client.UserId);
        return JsonSerializer.Serialize(new
        {
            View = Ok(await account.GetAsync(Client)),
            Transfers = await AllLinesAsync(),
            Report = await account.ReportAsync(),
        });
    }
}
