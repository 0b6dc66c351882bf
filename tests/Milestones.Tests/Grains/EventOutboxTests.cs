using Milestones.Contracts;
using Milestones.Domain;
using Microsoft.Extensions.DependencyInjection;
using Milestones.Events;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// Events leave exactly as durable as their change: a change whose write failed (answered with an error) has no
/// event in the feed, and its retry has one; an outcome acknowledged before it was written reaches the feed shortly
/// after its answer, or with the account's change when that decides it (a funding's hold); the feed follows each
/// contract's and each account's own order, without gaps or duplicates.
/// </summary>
public sealed class EventOutboxTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task ALifecycle_ReachesTheFeed_InEachStreamsOrder_WithTheReleaseWrittenAfterItsAnswer()
    {
        var start = await HeadAsync();
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        Fixture.Clock.Advance(TimeSpan.FromSeconds(1)); // the outcome's write after the answer runs on a timer
        var log = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;

        var feed = await ReadUntilAsync(start, FeedEvents.ContractStream(grain.GetPrimaryKeyString()), log.Count);

        Assert.Equal(log.Select(e => (e.Seq, e.Type, e.Actor)), Stream(feed, grain).Select(e => (e.Seq, e.Type, e.Actor)));
        Assert.Equal(
            ["deposit.recorded", "funds.held", "funds.captured"],
            feed.Where(e => e.AccountId == Client.UserId).Select(e => e.Type));
        Assert.Equal([1L, 2L, 3L], feed.Where(e => e.AccountId == Client.UserId).Select(e => e.Seq));
    }

    [Fact]
    public async Task AFundingsOutcome_ReachesTheFeedWithItsHold_WithoutAContractWrite_AndOnce()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        var start = await HeadAsync();
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));

        // No clock advanced: no timer wrote the contract; its row still holds the intent.
        var funded = Assert.Single(Stream(await ReadAllAsync(start), grain));
        var logged = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events[^1];
        Assert.Equal(("milestone.funded", logged.Seq, logged.Hash), (funded.Type, funded.Seq, funded.Hash));
        Assert.NotNull((await StoredStateAsync(grain)).Contract.OpenTransfer);

        // The contract's next write stores its state, and the feed still has the funding once.
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Assert.Null((await StoredStateAsync(grain)).Contract.OpenTransfer);
        Assert.Equal(["milestone.funded", "milestone.submitted"], Stream(await ReadAllAsync(start), grain).Select(e => e.Type));
    }

    [Fact]
    public async Task AHoldWhoseWriteFailed_HasNoFundingEvent_AndTheRetryHasOne()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        var start = await HeadAsync();
        Fixture.Probe.FailNextWrite(Grains.Account(Client.UserId).GetGrainId(), StorageLayout.Account);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");
        Assert.DoesNotContain(await ReadAllAsync(start), e => e.ContractId == grain.GetPrimaryKeyString() || e.AccountId == Client.UserId);

        Ok(await grain.GetAsync(Client)); // finishes the open transfer
        Assert.Equal(["funds.held", "milestone.funded"], (await ReadAllAsync(start))
            .Where(e => e.ContractId == grain.GetPrimaryKeyString() || e.AccountId == Client.UserId).Select(e => e.Type));
    }

    [Fact]
    public async Task AHoldAppliedWhoseAnswerWasLost_HasItsFundingEventOnce_AfterTheRetry()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        var start = await HeadAsync();
        Fixture.Probe.FailNextTransfer(grain.GetPrimaryKeyString(), TransferKind.Hold, afterApplying: true);

        Rejected(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None), "transfer_in_progress");
        // The hold is stored, and so is the outcome it decides: the retry can only confirm it.
        Assert.Equal(["milestone.funded"], Stream(await ReadAllAsync(start), grain).Select(e => e.Type));

        Ok(await grain.GetAsync(Client));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var log = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;
        Assert.Equal(log.TakeLast(2).Select(e => (e.Seq, e.Type, e.Hash)), Stream(await ReadAllAsync(start), grain).Select(e => (e.Seq, e.Type, e.Hash)));
    }

    [Fact]
    public async Task AnAcknowledgedEvent_IsInTheStoresFeedAtOnce_WithoutAReaderOrASequencer()
    {
        var feed = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventFeed>();
        var head = (await feed.ReadAsync(long.MaxValue - 1, 1, null, CancellationToken.None)).Head;
        await DepositAsync(Client, 1_030);

        // Read past the feed grain: the store itself placed the event when it stored it.
        var read = await feed.ReadAsync(head, 1000, null, CancellationToken.None);
        Assert.Contains(read.Events, e => e.Body.Contains($"\"accountId\":\"{Client.UserId}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACommandWhoseWriteFailed_HasNoEvent_AndItsRetryHasOne()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var start = await HeadAsync();
        Fixture.Probe.FailNextWrite(grain.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Assert.DoesNotContain(await ReadAllAsync(start), e => e.Type == "milestone.submitted" && e.ContractId == grain.GetPrimaryKeyString());

        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        var log = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;
        var feed = await ReadUntilAsync(start, FeedEvents.ContractStream(grain.GetPrimaryKeyString()), 1);
        Assert.Equal(log.TakeLast(1).Select(e => (e.Seq, e.Type)), Stream(feed, grain).Select(e => (e.Seq, e.Type)));
        Assert.Equal("milestone.submitted", log[^1].Type);
    }

    [Fact]
    public async Task ADepositWhoseWriteFailed_HasNoEvent_AndItsRetryHasOne()
    {
        await DepositAsync(Client, 100);
        var account = Grains.Account(Client.UserId);
        var start = await HeadAsync();
        Fixture.Probe.FailNextWrite(account.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, new Deposit(500, Usd, "dep-" + Client.UserId)));
        Assert.DoesNotContain(await ReadAllAsync(start), e => e.AccountId == Client.UserId);

        Ok(await account.DepositAsync(Platform, new Deposit(500, Usd, "dep-" + Client.UserId)));
        var deposit = Assert.Single(await ReadAllAsync(start), e => e.AccountId == Client.UserId);
        Assert.Equal((2L, "deposit.recorded", "500"), (deposit.Seq, deposit.Type, deposit.Data["amount"]));
    }

    [Fact]
    public async Task AContractsLog_IsStoredOnceInTheOutbox_NotInItsRow_AndIsReadBackWhole_AfterItsGrainIsGone()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Ok(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), CommandOptions.None));
        Ok(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), CommandOptions.None));
        var log = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;
        await Fixture.Cluster.DeactivateAsync(grain);

        var stored = await StoredStateAsync(grain);
        Assert.Empty(stored.Contract.RowEvents);
        Assert.Equal((log.Count, log[^1].Hash), (stored.Contract.EventCount, stored.Contract.LastHash));
        Assert.Equal(Same(log), Same(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events));
        Assert.Equal(Same(log.Skip(2).Take(3)), Same(Ok(await grain.GetEventsAsync(Client, 2, 3)).Events));
        Assert.Equal((true, log.Count, log[^1].Hash), Audit(Ok(await grain.GetAuditAsync(Client))));
    }

    [Fact]
    public async Task AContractAnEarlierBuildStoredWithItsEventsInItsRow_KeepsThemThere_AndItsLogGoesOnFromThem()
    {
        // An earlier build kept the whole log in the row, and the feed's retention may have deleted those events from
        // the outbox: here they are in no stream at all (the row is stored under an id the outbox has never seen).
        await DepositAsync(Client, 2_100);
        var source = await CreateActiveAsync(1_000);
        var earlier = Ok(await source.GetEventsAsync(Client, 0, 100)).Events;
        var id = GrainKeys.NewContractId();
        var row = await StoredStateAsync(source);
        row.Contract.Id = id;
        (row.Contract.RowEvents, row.Contract.EventCount, row.Contract.LastHash) = ([.. earlier.Select(e => e with { Hash = null })], 0, null);
        var grain = Grains.Contract(id);
        await Storage.WriteStateAsync(StorageLayout.Contract, grain.GetGrainId(), new GrainState<ContractGrainState>(row));

        Assert.Equal(Same(earlier), Same(Ok(await grain.GetEventsAsync(Client, 0, 100)).Events));
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        Fixture.Clock.Advance(TimeSpan.FromSeconds(1)); // the outcome's write after the answer runs on a timer
        await Fixture.Cluster.DeactivateAsync(grain);

        var log = Ok(await grain.GetEventsAsync(Client, 0, 100)).Events;
        Assert.Equal(Same(earlier), Same(log.Take(earlier.Count)));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(n => (long)n), log.Select(e => e.Seq));
        Assert.Contains(log.Skip(earlier.Count), e => e.Type == "milestone.funded");
        Assert.Equal((true, log.Count, log[^1].Hash), Audit(Ok(await grain.GetAuditAsync(Client))));
        var stored = await StoredStateAsync(grain);
        Assert.Equal(Same(earlier), Same(stored.Contract.RowEvents));
        Assert.Equal(log.Count, stored.Contract.EventCount);
    }

    private static (bool, long, string?) Audit(AuditReport report) => (report.Ok, report.Events, report.Head);

    /// <summary>Events compared by everything they say: the bytes their hash covers, and the hash.</summary>
    private static List<(string, string?)> Same(IEnumerable<ContractEvent> events) =>
        [.. events.Select(e => (Convert.ToHexString(AuditChain.Canonical(e)), e.Hash))];

    private static List<FeedEvent> Stream(IEnumerable<FeedEvent> feed, IContractGrain grain) =>
        [.. feed.Where(e => e.ContractId == grain.GetPrimaryKeyString())];

    /// <summary>The feed's current end.</summary>
    private async Task<long> HeadAsync()
    {
        long after = 0;
        while ((await PageAsync(after)) is { Items.Count: > 0 } page)
        {
            after = long.Parse(page.NextCursor, System.Globalization.CultureInfo.InvariantCulture);
        }

        return after;
    }

    private async Task<FeedPage> PageAsync(long after) =>
        Ok(await Grains.GetGrain<IEventFeedGrain>(0).ReadAsync(Platform, after.ToString(System.Globalization.CultureInfo.InvariantCulture), EventFeedGrain.MaxLimit, null));

    private async Task<List<FeedEvent>> ReadAllAsync(long after)
    {
        var events = new List<FeedEvent>();
        while (true)
        {
            var page = await PageAsync(after);
            if (page.Items.Count == 0)
            {
                var ids = events.Select(e => e.Id).ToList();
                Assert.Equal(ids.Count, ids.Distinct().Count());
                return events;
            }

            events.AddRange(page.Items);
            after = long.Parse(page.NextCursor, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Reads the feed until <paramref name="stream"/> has <paramref name="count"/> events there (for at most ten seconds).</summary>
    private async Task<List<FeedEvent>> ReadUntilAsync(long after, string stream, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = await ReadAllAsync(after);
            if (events.Count(e => e.Id.StartsWith(stream + ":", StringComparison.Ordinal)) >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(50);
        }
    }
}
