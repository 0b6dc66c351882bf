using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// An account's ledger is stored in sealed pages plus the lines since the last page, beside its balances and holds
/// as they stand: a reactivated account is exactly the account it was, and old transfer ids still replay — found
/// through the rows that name their sealed line, never through a stale one.
/// Concurrent transfers share the account's writes; a failed write fails every transfer it carried, and their
/// contracts finish them exactly once.
/// </summary>
public sealed class AccountLedgerTests(ClusterFixture fixture) : GrainTest(fixture)
{
    // Deposit references are unique across all accounts: each test uses its own.
    private readonly string first = "first-" + Guid.NewGuid().ToString("N");
    private readonly string sealingReference = "sealing-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Ledger_AcrossSealedPages_IsRestoredExactly_WithItsHolds_AndOldTransfersStillReplay()
    {
        await DepositAsync(Client, 10_000, first);
        var early = await FundedContractsAsync(3);
        for (var i = 0; i < (2 * StorageLayout.LedgerPageSize) + 10; i++)
        {
            await DepositAsync(Client, 1);
        }

        var late = await FundedContractsAsync(1);
        Ok(await early[1].EndAsync(Client, new EndContract(HeldFunds.Refund, "Not needed"), CommandOptions.None));
        var before = await SnapshotAsync();

        await Fixture.Cluster.DeactivateAsync(Grains.Account(Client.UserId));

        Assert.Equal(before, await SnapshotAsync());
        var holds = (await BalanceAsync(Client)).Holds.Select(h => h.ContractId).Order().ToList();
        Assert.Equal(new[] { early[0], early[2], late[0] }.Select(g => g.GetPrimaryKeyString()).Order().ToList(), holds);
        Assert.True((await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(10_000, Usd, first))).Replayed);
        Rejected(await Grains.Account(Client.UserId).DepositAsync(Platform, new Deposit(5, Usd, first)), "deposit_reference_conflict");

        // The holds rebuilt from sealed pages are real: the early contracts can still release and refund. Each held
        // 103 (100 and the client's fee of 3): two are refunded, one released, one still held.
        Ok(await early[0].EndAsync(Client, new EndContract(HeldFunds.Refund, "Done here"), CommandOptions.None));
        Ok(await early[2].SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await early[2].ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Assert.Equal((10_000 + (2 * StorageLayout.LedgerPageSize) + 10 - 206, 103L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal((0, 90L), ((await BalanceAsync(Freelancer)).Available, (await BalanceAsync(Freelancer)).Pending));
    }

    [Theory]
    [InlineData(TransferKind.Hold)]
    [InlineData(TransferKind.Capture)]
    public async Task ATransferAppliedWhoseAnswerWasLost_IsReplayedFromItsSealedPage_WhenItsContractFinishesIt(TransferKind lost)
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

        // Two pages of other lines seal the applied transfer's line away from memory, and a new activation starts
        // from the stored row alone.
        for (var i = 0; i < 2 * StorageLayout.LedgerPageSize; i++)
        {
            await DepositAsync(Client, 1);
        }

        await Fixture.Cluster.DeactivateAsync(Grains.Account(Client.UserId));
        var retried = Ok(await command());

        Assert.Equal(lost == TransferKind.Hold ? MilestoneStatus.Funded : MilestoneStatus.Released, retried.Contract.Milestones[0].Status);
        var balance = await BalanceAsync(Client);
        Assert.Equal((10_000 + (2 * StorageLayout.LedgerPageSize) - 1_030, lost == TransferKind.Hold ? 1_030L : 0L), (balance.Available, balance.Held));
        var freelancer = await BalanceAsync(Freelancer);
        Assert.Equal((0, lost == TransferKind.Hold ? 0L : 900L), (freelancer.Available, freelancer.Pending));
        var lines = Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, 0, 500)).Entries;
        Assert.Single(lines, l => l.Order.Kind == lost);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), lines.Select(l => l.Seq));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000L)]
    public async Task ARowNamingALineOfAnotherTransferOrOfNoCountedPage_IsNotTakenForThisTransfer(long namedLine)
    {
        await DepositAsync(Client, 10_000, first);
        for (var i = 0; i < 2 * StorageLayout.LedgerPageSize; i++)
        {
            await DepositAsync(Client, 1);
        }

        // A row an interrupted seal could have left for this contract's hold: naming line 1 (a deposit's, sealed and
        // counted) or a line beyond every counted page.
        var grain = await CreateActiveAsync(1_000);
        var account = Grains.Account(Client.UserId);
        var storage = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);
        var holdId = $"{grain.GetPrimaryKeyString()}/m1/fund";
        await storage.WriteStateAsync(StorageLayout.LedgerLine(holdId), account.GetGrainId(), new GrainState<LedgerLineRef>(new LedgerLineRef(namedLine)));
        await Fixture.Cluster.DeactivateAsync(account);

        // The hold fails before it is applied, so its contract sends it again, as one that may have been applied.
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying: false);
        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));

        Assert.Equal((10_000 + (2 * StorageLayout.LedgerPageSize) - 1_030, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Single(Ok(await account.GetTransfersAsync(Client, 0, 500)).Entries, l => l.Order.TransferId == holdId);
    }

    [Fact]
    public async Task ALineAnEarlierBuildSealed_IsFoundByTheNameThatBuildGaveItsRow()
    {
        await DepositAsync(Client, 10_000, first);
        for (var i = 0; i < 2 * StorageLayout.LedgerPageSize; i++)
        {
            await DepositAsync(Client, 1);
        }

        // As an earlier build left it: the first deposit's line found by the row named by its id's whole SHA-256, and
        // an account row that does not say from which page the names are this build's.
        var account = Grains.Account(Client.UserId);
        await Fixture.Cluster.DeactivateAsync(account);
        var storage = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);
        var transferId = $"deposit/{first}";
        var named = await storage.ReadRowAsync<LedgerLineRef>(StorageLayout.LedgerLine(transferId), account.GetGrainId());
        Assert.Equal(1L, named.State!.Seq);
        await storage.ClearStateAsync(StorageLayout.LedgerLine(transferId), account.GetGrainId(), named);
        await storage.WriteStateAsync(StorageLayout.EarlierLedgerLine(transferId), account.GetGrainId(), new GrainState<LedgerLineRef>(new LedgerLineRef(1)));
        var row = await storage.ReadRowAsync<AccountState>(StorageLayout.Account, account.GetGrainId());
        Assert.Equal(0, row.State!.ShortLineRefsFrom);
        row.State.ShortLineRefsFrom = null;
        await storage.WriteStateAsync(StorageLayout.Account, account.GetGrainId(), row);

        // The deposit sent again is found sealed and replays; it is not credited twice.
        Assert.True((await account.DepositAsync(Platform, new Deposit(10_000, Usd, first))).Replayed);
        Assert.Equal(10_000 + (2 * StorageLayout.LedgerPageSize), (await BalanceAsync(Client)).Available);
    }

    [Fact]
    public async Task APageLeftByAnInterruptedSeal_IsOverwritten_WhenTheAccountSealsIt()
    {
        await DepositAsync(Client, 1, first);
        var account = Grains.Account(Client.UserId);
        var storage = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);
        var orphan = new GrainState<LedgerPage>(new LedgerPage
        {
            Entries = [new LedgerEntry(1, new TransferOrder("deposit/orphan", TransferKind.Deposit, new Money(999, Usd)), Fixture.Clock.GetUtcNow(), 999, 0)],
        });
        await storage.WriteStateAsync("accountLedger/0", account.GetGrainId(), orphan);

        for (var i = 1; i < StorageLayout.LedgerPageSize + 4; i++)
        {
            await DepositAsync(Client, 1);
        }

        var before = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(StorageLayout.LedgerPageSize + 4, (await BalanceAsync(Client)).Available);
        var transfers = Ok(await account.GetTransfersAsync(Client, 0, 500)).Entries;
        Assert.Equal(Enumerable.Range(1, StorageLayout.LedgerPageSize + 4).Select(i => (long)i), transfers.Select(t => t.Seq));
        Assert.DoesNotContain(transfers, t => t.Order.TransferId == "deposit/orphan");
    }

    [Theory]
    [InlineData("accountLedger/31")]
    [InlineData("accountHolds/0")]
    [InlineData(StorageLayout.Account)]
    public async Task ASealThatFails_LeavesTheCountedHoldsSnapshot_AndTheAccountReactivatesExactly(string failingRow)
    {
        // Holds of A and B early; A released and C funded later; then deposits up to the line before the page that
        // completes the second run of snapshot pages (whose seal writes the second holds snapshot, in the other slot
        // than the first, which the row counts until then).
        const int snapshotLine = 2 * StorageLayout.HoldsSnapshotPages * StorageLayout.LedgerPageSize;
        await DepositAsync(Client, 10_000, first);
        var early = await FundedContractsAsync(2);
        await DepositsUpToLineAsync(snapshotLine / 2);
        Ok(await early[0].SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await early[0].ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        var late = await FundedContractsAsync(1);
        await DepositsUpToLineAsync(snapshotLine - 1);
        var before = await SnapshotAsync();

        // The write that seals that page fails: at its page, at the snapshot, or at the row that would count them
        // after the page, its line rows and the snapshot in the other slot were written.
        var account = Grains.Account(Client.UserId);
        Fixture.Probe.FailNextWrite(account.GetGrainId(), failingRow);
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, new Deposit(1, Usd, sealingReference)));
        await Fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await SnapshotAsync());
        var holds = (await BalanceAsync(Client)).Holds.Select(h => h.ContractId).Order().ToList();
        Assert.Equal(new[] { early[1], late[0] }.Select(g => g.GetPrimaryKeyString()).Order().ToList(), holds);

        // Retried, the deposit seals the page and writes the snapshot; a new activation reads it, and later one reads
        // it with the pages sealed since.
        Assert.False((await account.DepositAsync(Platform, new Deposit(1, Usd, sealingReference))).Replayed);
        foreach (var lines in new[] { snapshotLine, snapshotLine + (2 * StorageLayout.LedgerPageSize) + 3 })
        {
            await DepositsUpToLineAsync(lines);
            var sealedNow = await SnapshotAsync();
            await Fixture.Cluster.DeactivateAsync(account);
            Assert.Equal(sealedNow, await SnapshotAsync());
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
    public async Task AFailedPageSeal_FailsTheTransferThatFilledThePage_AndItsRetryLandsOnce()
    {
        for (var i = 0; i < StorageLayout.LedgerPageSize - 1; i++)
        {
            await DepositAsync(Client, 1);
        }

        var account = Grains.Account(Client.UserId);
        var sealing = new Deposit(5, Usd, sealingReference);
        Fixture.Probe.FailNextWrite(account.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, sealing));
        Assert.Equal(StorageLayout.LedgerPageSize - 1, (await BalanceAsync(Client)).Available);

        Assert.False((await account.DepositAsync(Platform, sealing)).Replayed);
        Assert.True((await account.DepositAsync(Platform, sealing)).Replayed);
        var before = await SnapshotAsync();
        await Fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(StorageLayout.LedgerPageSize - 1 + 5, (await BalanceAsync(Client)).Available);
        Assert.Equal(StorageLayout.LedgerPageSize, Ok(await account.GetTransfersAsync(Client, 0, 500)).Entries.Count);
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
        var count = 0L;
        for (long? after = 0; after is { } from;)
        {
            var page = Ok(await Grains.Account(Client.UserId).GetTransfersAsync(Client, from, 500));
            count += page.Entries.Count;
            after = page.NextAfter;
        }

        for (var i = count; i < lines; i++)
        {
            await DepositAsync(Client, 1);
        }
    }

    private async Task<string> SnapshotAsync()
    {
        var account = Grains.Account(Client.UserId);
        return JsonSerializer.Serialize(new
        {
            View = Ok(await account.GetAsync(Client)),
            Transfers = Ok(await account.GetTransfersAsync(Client, 0, 500)),
            Report = await account.ReportAsync(),
        });
    }
}
