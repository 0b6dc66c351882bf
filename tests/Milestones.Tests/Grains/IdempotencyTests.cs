using Microsoft.Extensions.DependencyInjection;
using Milestones.Domain;
using Milestones.Contracts;
using Milestones.Events;

namespace Milestones.Tests.Grains;

public sealed class IdempotencyTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task AnAnswer_IsStoredOnceBesideTheState_ReplaysExactlyAfterReactivation_AndGoesWhenItsKeyIsForgotten()
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        var answers = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IRememberedAnswers>();
        Task<Outcome<ContractResult>> Edit(int i) => grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000 + i), new CommandOptions($"edit-{i}"));

        var first = Ok(await Edit(0));
        Assert.All((await StoredStateAsync(grain)).Keys, k => Assert.Null(k.Result));
        Assert.Equal(first.Contract, (await answers.ReadAsync(grain.GetGrainId(), StreamOf(grain), "edit-0", CancellationToken.None))!.Contract, ContractViewComparer.Instance);
        await Fixture.Cluster.DeactivateAsync(grain);
        var replay = await Edit(0);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Contract, replay.Value!.Contract, ContractViewComparer.Instance);

        // Keys beyond the 64 most recent are forgotten once a day old, and their answers with them.
        for (var i = 1; i < 5; i++)
        {
            Ok(await Edit(i));
        }

        Fixture.Clock.Advance(TimeSpan.FromHours(25));
        for (var i = 5; i < 70; i++)
        {
            Ok(await Edit(i));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await answers.ReadAsync(grain.GetGrainId(), StreamOf(grain), $"edit-{i}", CancellationToken.None));
        }

        Assert.Equal(2_005, (await answers.ReadAsync(grain.GetGrainId(), StreamOf(grain), "edit-5", CancellationToken.None))!.Contract.Milestones[1].Amount);
        Assert.Equal(Enumerable.Range(5, 65).Select(i => $"edit-{i}").Order(), (await StoredStateAsync(grain)).Keys.Select(k => k.Key).Order());
    }

    [Fact]
    public async Task RetryWithTheSameKey_ReturnsTheFirstResult_AndChangesNothing()
    {
        await DepositAsync(Client, 5_000);
        var grain = await CreateActiveAsync(1_000);
        var key = new CommandOptions("fund-m1");

        var first = await grain.FundMilestoneAsync(Client, "m1", key);
        var retry = await grain.FundMilestoneAsync(Client, "m1", key);

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Value!.Contract, retry.Value!.Contract, ContractViewComparer.Instance);
        Assert.Equal((5_000 - 1_030, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
        Assert.Equal(first.Value.Contract.Version, (await ViewAsync(grain)).Version);
    }

    /// <summary>
    /// Once the answer is only in the store, a replay reads it; on a fresh activation, the contract's keys are read
    /// (stored with their answers) together with its row. A read that fails answers nothing and changes nothing.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReplay_WhoseAnswerOrKeysCannotBeRead_AnswersNothing_ChangesNothing_AndTheNextRetryReplaysIt(bool reactivated)
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        var edit = new CommandOptions("edit-m2");
        var first = Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_100), edit)); // its answer is now only in the store
        if (reactivated)
        {
            await Fixture.Cluster.DeactivateAsync(grain);
        }

        Fixture.Probe.FailNextRead(grain.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_100), edit));
        Assert.False(Fixture.Probe.TryTripRead(grain.GetGrainId()));

        var retry = await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_100), edit);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Contract, retry.Value!.Contract, ContractViewComparer.Instance);
        var now = await ViewAsync(grain);
        Assert.Equal((2_100, first.Contract.Version), (now.Milestones[1].Amount, now.Version));
    }

    [Fact]
    public async Task AnAccountWhoseKeysCannotBeRead_IsNotActivated_ChangesNothing_AndTheNextCallKnowsItsKeys()
    {
        var account = Grains.Account(Client.UserId);
        var deposit = new Deposit(1_000, Usd, "keys-" + Guid.NewGuid().ToString("N"));
        Ok(await account.DepositAsync(Platform, deposit, "deposit-key"));
        await Fixture.Cluster.DeactivateAsync(account);

        // Its row reads, its keys do not: no activation goes on without them.
        Fixture.Probe.FailNextRead(account.GetGrainId(), skip: 1);
        await Assert.ThrowsAnyAsync<Exception>(() => account.DepositAsync(Platform, deposit with { Amount = 5 }, "deposit-key"));
        Assert.False(Fixture.Probe.TryTripRead(account.GetGrainId()));

        Rejected(await account.DepositAsync(Platform, deposit with { Amount = 5 }, "deposit-key"), "idempotency_key_reused");
        Assert.True((await account.DepositAsync(Platform, deposit, "deposit-key")).Replayed);
        Assert.Equal(1_000, (await BalanceAsync(Client)).Available);
    }

    [Fact]
    public async Task AnAccountThatNeverTookAKeyedCommand_IsActivatedWithoutReadingKeys()
    {
        var account = Grains.Account(Client.UserId);
        Ok(await account.DepositAsync(Platform, new Deposit(1_000, Usd, "unkeyed-" + Guid.NewGuid().ToString("N"))));
        await Fixture.Cluster.DeactivateAsync(account);

        // Its row reads; a read of its keys would fail, and none is made.
        Fixture.Probe.FailNextRead(account.GetGrainId(), skip: 1);
        Assert.Equal(1_000, (await BalanceAsync(Client)).Available);
        Assert.True(Fixture.Probe.TryTripRead(account.GetGrainId()));
    }

    private CreateContract NewContract(long amount) => new("Build a shop", Freelancer.UserId, Usd, [new NewMilestone("Part 1", Due, amount)]);

    [Fact]
    public async Task ACreate_OnAFreshActivation_ReadsNothing_AndItsRetryWithTheKey_ReadsWhatIsStored_AndReplaysTheFirstAnswer()
    {
        var grain = Grains.Contract(GrainKeys.NewContractId());
        var key = new CommandOptions("create-1");

        // A create expects no stored contract: a read armed to fail is still armed after it.
        Fixture.Probe.FailNextRead(grain.GetGrainId());
        var first = Ok(await grain.CreateAsync(Client, NewContract(1_000), key));
        Assert.True(Fixture.Probe.TryTripRead(grain.GetGrainId()));

        await Fixture.Cluster.DeactivateAsync(grain);
        var retry = await grain.CreateAsync(Client, NewContract(1_000), key);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Contract, retry.Value!.Contract, ContractViewComparer.Instance);
        Assert.Equal((1L, 1L), ((await StoredStateAsync(grain)).Contract.Version, (await StoredStateAsync(grain)).Contract.EventCount));
    }

    [Fact]
    public async Task ACreate_OfAStoredContract_OnAFreshActivation_IsAConflict_AndChangesNothing()
    {
        var grain = await CreateActiveAsync(1_000);
        var before = await ViewAsync(grain);
        await Fixture.Cluster.DeactivateAsync(grain);

        Rejected(await grain.CreateAsync(Client, NewContract(5_000), CommandOptions.None), "contract_already_exists");
        Rejected(await grain.CreateAsync(Client, NewContract(5_000), new CommandOptions("another")), "contract_already_exists");

        Assert.Equal(before, await ViewAsync(grain), ContractViewComparer.Instance);
        Assert.Equal(before.Version, (await StoredStateAsync(grain)).Contract.Version);
    }

    [Fact]
    public async Task ACreate_WhoseInsertFails_StoresNothing_AndItsRetryCreatesTheContractOnce()
    {
        foreach (var readFailsToo in new[] { false, true })
        {
            var grain = Grains.Contract(GrainKeys.NewContractId());
            var key = new CommandOptions("create-" + readFailsToo);
            Fixture.Probe.FailNextWrite(grain.GetGrainId());
            if (readFailsToo)
            {
                Fixture.Probe.FailNextRead(grain.GetGrainId()); // the reload after the failed write fails too
            }

            await Assert.ThrowsAnyAsync<Exception>(() => grain.CreateAsync(Client, NewContract(1_000), key));
            Assert.False((await StoredStateAsync(grain)).Contract.Exists);
            Assert.Equal("contract_not_found", (await grain.GetAsync(Client)).Error?.Code);

            var retry = Ok(await grain.CreateAsync(Client, NewContract(1_000), key));
            Assert.Equal((1, 1), (retry.Contract.Version, (await StoredStateAsync(grain)).Contract.Version));
            Assert.Equal(1, (await StoredStateAsync(grain)).Contract.EventCount);
        }
    }

    [Fact]
    public async Task SameKey_WithADifferentCommand_IsRejected()
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        var key = new CommandOptions("edit-1");
        Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_100), key));

        Rejected(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_200), key), "idempotency_key_reused");
        Rejected(await grain.EditMilestoneAsync(Freelancer, new EditMilestone("m2", Amount: 2_100), key), "idempotency_key_reused");
        Assert.Equal(2_100, (await ViewAsync(grain)).Milestones[1].Amount);
    }

    [Fact]
    public async Task AFundingWhoseHoldWriteFails_IsFundedOnceByItsRetry_AndItsAnswerCarriedWithTheHoldReplaysFromTheStore()
    {
        await DepositAsync(Client, 5_000);
        var grain = await CreateActiveAsync(1_000);
        var answers = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IRememberedAnswers>();
        var key = new CommandOptions("fund-hold-fails");

        // The hold's write (which carries the funding's outcome and its answer) fails: nothing is answered or stored.
        Fixture.Probe.FailNextWrite(Grains.Account(Client.UserId).GetGrainId());
        Rejected(await grain.FundMilestoneAsync(Client, "m1", key), "transfer_in_progress");
        Assert.Null(await answers.ReadAsync(grain.GetGrainId(), StreamOf(grain), key.IdempotencyKey!, CancellationToken.None));

        // The retry finishes the stored intent once; the answer is the contract's, stored with the hold.
        var funded = Ok(await grain.FundMilestoneAsync(Client, "m1", key)).Contract;
        Assert.Equal(MilestoneStatus.Funded, funded.Milestones[0].Status);
        Assert.Equal(funded, (await answers.ReadAsync(grain.GetGrainId(), StreamOf(grain), key.IdempotencyKey!, CancellationToken.None))!.Contract, ContractViewComparer.Instance);

        await Fixture.Cluster.DeactivateAsync(grain);
        var replay = await grain.FundMilestoneAsync(Client, "m1", key);
        Assert.True(replay.Replayed);
        Assert.Equal(funded, replay.Value!.Contract, ContractViewComparer.Instance);
        Assert.Equal((5_000 - 1_030, 1_030L), ((await BalanceAsync(Client)).Available, (await BalanceAsync(Client)).Held));
    }

    [Fact]
    public async Task ARejectedCommand_KeepsItsKey_AndARetryReplaysTheRejection()
    {
        await DepositAsync(Client, 500);
        var grain = await CreateActiveAsync(1_000);
        var key = new CommandOptions("fund-later");
        Rejected(await grain.FundMilestoneAsync(Client, "m1", key), "insufficient_funds");

        // Now enough for the hold (1,000 and the client's fee of 30): only the key keeps the retry a rejection.
        await DepositAsync(Client, 530);
        var retry = await grain.FundMilestoneAsync(Client, "m1", key);

        Assert.True(retry.Replayed);
        Assert.Equal("insufficient_funds", retry.Error?.Code);
        Assert.Equal(0, (await BalanceAsync(Client)).Held);

        // A rejection the state decided (not a validation error) is kept too, and survives reactivation.
        var approve = new CommandOptions("approve-early");
        Rejected(await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), approve), "milestone_state_conflict");
        await Fixture.Cluster.DeactivateAsync(grain);
        var replayed = await grain.ApproveMilestoneAsync(Client, new ApproveWork("m1"), approve);
        Assert.True(replayed.Replayed && replayed.Error?.Code == "milestone_state_conflict");
        var refusedAgain = await grain.FundMilestoneAsync(Client, "m1", key);
        Assert.True(refusedAgain.Replayed && refusedAgain.Error?.Code == "insufficient_funds");
    }

    [Fact]
    public async Task AValidationError_DoesNotKeepItsKey()
    {
        await DepositAsync(Client, 1_030);
        var grain = await CreateActiveAsync(1_000);
        Ok(await grain.FundMilestoneAsync(Client, "m1", CommandOptions.None));
        var key = new CommandOptions("submit-1");
        Rejected(await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", " "), key), "message_required");

        var fixedBody = await grain.SubmitWorkAsync(Freelancer, new SubmitWork("m1", "Done"), key);

        Assert.True(fixedBody.Succeeded && !fixedBody.Replayed);
    }

    [Fact]
    public async Task TheSameKey_OnAnotherChangeRequest_IsRejected()
    {
        var grain = await CreateActiveAsync(1_000, 2_000, 3_000);
        var first = Ok(await grain.ProposeChangeAsync(Freelancer, new ProposeChange("Cheaper", [new ChangeOperation(ChangeOperationKind.Edit, "m2", Amount: 1_500)]), CommandOptions.None)).CreatedId!;
        var second = Ok(await grain.ProposeChangeAsync(Freelancer, new ProposeChange("Later", [new ChangeOperation(ChangeOperationKind.Edit, "m3", Amount: 2_500)]), CommandOptions.None)).CreatedId!;
        var key = new CommandOptions("decide-1");
        Ok(await grain.DeclineChangeAsync(Client, first, "No", key));

        Rejected(await grain.DeclineChangeAsync(Client, second, "No", key), "idempotency_key_reused");
        Assert.Equal(ChangeRequestStatus.Open, (await ViewAsync(grain)).ChangeRequests.Single(c => c.Id == second).Status);
    }

    [Fact]
    public async Task Keys_AreKeptForADay_ThenTheOldestBeyondTheMostRecentAreForgotten()
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        const int count = IdempotencyKeys.MinKept + 20;
        for (var i = 0; i < count; i++)
        {
            Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000 + i), new CommandOptions($"k{i}")));
        }

        Assert.True((await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000), new CommandOptions("k0"))).Replayed);

        Fixture.Clock.Advance(IdempotencyKeys.Retention + TimeSpan.FromMinutes(1));
        Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 9_000), new CommandOptions("after-a-day")));

        // k0 was forgotten: reusing it runs as a new command; the most recent keys still replay.
        Assert.False((await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 5), new CommandOptions("k0"))).Replayed);
        Assert.True((await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000 + count - 1),
            new CommandOptions($"k{count - 1}"))).Replayed);
    }

    private static string StreamOf(IContractGrain grain) => FeedEvents.ContractStream(grain.GetPrimaryKeyString());
}
