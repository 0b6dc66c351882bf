using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Tests.Grains;
using Orleans.Serialization;

namespace Milestones.Tests.Storage;

/// <summary>
/// A contract's and an account's idempotency keys are stored with their answers, not in their rows: each answer reads
/// back with its key, an answer an earlier build stored (a bare result) reads as one without a key, and the keys an
/// earlier build kept in the row join the stored ones and leave the row as the rule forgets them.
/// </summary>
public sealed class KeptAnswerTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private static readonly DateTimeOffset Start = new(2029, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ContractResult Made = new(ContractView(), "m2");

    private static ContractView ContractView()
    {
        var state = new ContractState();
        var contract = new Contract(state, ContractRules.Default);
        Assert.Null(contract.Create(new Caller("client-1"), "ctr_0123456789abcdef0123456789abcdef",
            new CreateContract("Online shop", "freelancer-1", "USD", [new NewMilestone("Design", new DateOnly(2030, 1, 1), 25_000)]), Start));
        return contract.ToView();
    }

    private static IdempotencyRecord Key(string key, DateTimeOffset at, Error? rejection = null) => new(key, $"print-{key}", null, at, rejection);

    private static KeptAnswer RoundTrip<T>(T stored) => Serializer.Deserialize<KeptAnswer>(Serializer.SerializeToArray(stored))!;

    [Fact]
    public void AnAnswer_ReadsBackWithItsKey_WhatItMadeOrItsRejection()
    {
        var made = RoundTrip(KeptAnswer.Of(Key("edit", Start), Made));
        Assert.Equal(Key("edit", Start), made.Key("edit"));
        Assert.Equal(Made.Contract, made.Result!.Contract, ContractViewComparer.Instance);
        Assert.Equal("m2", made.Result.CreatedId);

        var refused = RoundTrip(KeptAnswer.Of(Key("fund", Start, Errors.InsufficientFunds(500, 1_030)), null));
        Assert.Equal(Key("fund", Start, Errors.InsufficientFunds(500, 1_030)), refused.Key("fund"));
        Assert.Null(refused.Result);
    }

    [Fact]
    public void AnAnswerAnEarlierBuildStored_ReadsAsItsResult_WithoutAKey()
    {
        var earlier = RoundTrip(Made);
        Assert.Null(earlier.Key("edit"));
        Assert.Equal(Made.Contract, earlier.Result!.Contract, ContractViewComparer.Instance);
        Assert.Equal("m2", earlier.Result.CreatedId);
    }

    [Fact]
    public void TheRowsEarlierKeys_JoinTheStoredOnes_AndLeaveTheRowAsTheRuleForgetsThem()
    {
        var row = new ContractGrainState { EarlierKeys = [Key("earlier-1", Start), Key("earlier-2", Start.AddMinutes(1))] };
        var state = Serializer.Deserialize<ContractGrainState>(Serializer.SerializeToArray(row))!;
        state.Loaded();
        state.KeysStored([Key("stored-1", Start.AddMinutes(2)), Key("stored-0", Start.AddSeconds(30)), Key("stored-1", Start.AddMinutes(2))]);
        Assert.Equal(["earlier-1", "stored-0", "earlier-2", "stored-1"], state.Keys.Select(k => k.Key));

        // 64 keys a day later: the four older ones are beyond the 64 most recent and older than a day.
        for (var i = 0; i < 64; i++)
        {
            state.RememberKey(Key($"new-{i}", Start.AddHours(25)), Made);
        }

        Assert.Equal(64, state.Keys.Count);
        Assert.Empty(state.EarlierKeys);
        var (remembered, forgotten) = state.UnwrittenAnswers();
        Assert.Equal(["earlier-1", "stored-0", "earlier-2", "stored-1"], forgotten);
        Assert.Equal(64, remembered.Count);
        Assert.Empty(Serializer.Deserialize<ContractGrainState>(Serializer.SerializeToArray(state))!.EarlierKeys);
    }

    [Fact]
    public void AnAccountsRowKeys_JoinTheStoredOnes_WithWhatTheyMade_AndLeaveTheRowAsTheRuleForgetsThem()
    {
        var row = new AccountState { EarlierKeys = [Key("earlier", Start) with { Made = "po_1" }] };
        var state = Serializer.Deserialize<AccountState>(Serializer.SerializeToArray(row))!;
        state.Loaded();
        var refused = Key("refused", Start.AddMinutes(2), Errors.InsufficientFunds(0, 5));
        state.KeysStored([
            RoundTrip(KeptAnswer.Of(Key("stored", Start.AddMinutes(1)) with { Made = "deposit/r1" }, null)).Key("stored")!,
            RoundTrip(KeptAnswer.Of(refused, null)).Key("refused")!,
        ]);
        Assert.Equal([("earlier", "po_1"), ("stored", "deposit/r1"), ("refused", null)], state.Keys.Select(k => (k.Key, k.Made)));
        Assert.Equal(refused, state.Keys[^1]);

        // A row that does not say whether keys are stored apart (an earlier build's) learns it from this read.
        Assert.True(state.KeysApart);
        var none = Serializer.Deserialize<AccountState>(Serializer.SerializeToArray(new AccountState()))!;
        none.KeysStored([]);
        Assert.False(none.KeysApart);

        // 64 keys a day later: the three older ones are beyond the 64 most recent and older than a day.
        for (var i = 0; i < 64; i++)
        {
            state.RememberKey(Key($"new-{i}", Start.AddHours(25)) with { Made = $"po_{i}" });
        }

        var (remembered, forgotten) = state.UnwrittenAnswers();
        Assert.Equal(["earlier", "stored", "refused"], forgotten);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"po_{i}"), remembered.Select(a => RoundTrip(a.Answer).Key(a.Key)!.Made));
        Assert.Empty(Serializer.Deserialize<AccountState>(Serializer.SerializeToArray(state))!.EarlierKeys);
    }
}
