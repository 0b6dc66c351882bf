using Milestones.Contracts;

namespace Milestones.Tests.Grains;

public sealed class IdempotencyTests(ClusterFixture fixture) : GrainTest(fixture)
{
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
        Assert.Equal(1_000, (await BalanceAsync(Client)).Held);
        Assert.Equal(first.Value.Contract.Version, (await ViewAsync(grain)).Version);
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
    public async Task RejectedCommand_DoesNotConsumeItsKey()
    {
        await DepositAsync(Client, 500);
        var grain = await CreateActiveAsync(1_000);
        var key = new CommandOptions("fund-later");
        Rejected(await grain.FundMilestoneAsync(Client, "m1", key), "insufficient_funds");

        await DepositAsync(Client, 500);
        var second = await grain.FundMilestoneAsync(Client, "m1", key);

        Assert.True(second.Succeeded && !second.Replayed);
        Assert.Equal(1_000, (await BalanceAsync(Client)).Held);
    }

    [Fact]
    public async Task Keys_AreBounded_OldestForgottenFirst()
    {
        var grain = await CreateActiveAsync(1_000, 2_000);
        for (var i = 0; i <= ContractGrainState.MaxIdempotencyKeys; i++)
        {
            Ok(await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000 + i), new CommandOptions($"k{i}")));
        }

        // k0 was forgotten: reusing it runs as a new command; the newest key still replays.
        Assert.False((await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 5), new CommandOptions("k0"))).Replayed);
        Assert.True((await grain.EditMilestoneAsync(Client, new EditMilestone("m2", Amount: 2_000 + ContractGrainState.MaxIdempotencyKeys),
            new CommandOptions($"k{ContractGrainState.MaxIdempotencyKeys}"))).Replayed);
    }
}
