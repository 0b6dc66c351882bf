using Milestones.Domain;

namespace Milestones.Tests.Effects;

/// <summary>
/// The one idempotency rule of every grain that takes a key: kept at least a day, the most recent 64 whatever their
/// age, at most 10,000 however young; a key sent again with another request is refused.
/// </summary>
public sealed class IdempotencyKeysTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IdempotencyRecord Key(int n, DateTimeOffset at) => new($"k{n}", $"f{n}", null, at);

    [Fact]
    public void KeysWithinADay_AreAllKept_HoweverManyUpToTheBound()
    {
        List<IdempotencyRecord> keys = [];
        List<string> forgotten = [];
        for (var n = 0; n < IdempotencyKeys.MaxKept; n++)
        {
            IdempotencyKeys.Remember(keys, Key(n, Start.AddSeconds(n)), forgotten);
        }

        Assert.Equal((IdempotencyKeys.MaxKept, 0), (keys.Count, forgotten.Count));
        Assert.Equal(keys[0], IdempotencyKeys.Lookup(keys, "k0", "f0").Known);

        IdempotencyKeys.Remember(keys, Key(IdempotencyKeys.MaxKept, Start.AddSeconds(IdempotencyKeys.MaxKept)), forgotten);
        Assert.Equal(IdempotencyKeys.MaxKept, keys.Count);
        Assert.Equal(["k0"], forgotten);
        Assert.Equal((null, null), IdempotencyKeys.Lookup(keys, "k0", "f0"));
    }

    [Fact]
    public void KeysOlderThanADay_AreForgotten_ExceptTheMostRecent64()
    {
        List<IdempotencyRecord> keys = [];
        List<string> forgotten = [];
        for (var n = 0; n < 100; n++)
        {
            IdempotencyKeys.Remember(keys, Key(n, Start), forgotten);
        }

        // Exactly a day later nothing is older than a day yet.
        IdempotencyKeys.Remember(keys, Key(100, Start + IdempotencyKeys.Retention), forgotten);
        Assert.Equal((101, 0), (keys.Count, forgotten.Count));

        IdempotencyKeys.Remember(keys, Key(101, Start + IdempotencyKeys.Retention + TimeSpan.FromTicks(1)), forgotten);
        Assert.Equal(Enumerable.Range(0, 102 - IdempotencyKeys.MinKept).Select(n => $"k{n}"), forgotten);
        Assert.Equal(Enumerable.Range(102 - IdempotencyKeys.MinKept, IdempotencyKeys.MinKept).Select(n => $"k{n}"), keys.Select(k => k.Key));
    }

    [Fact]
    public void AKeySentAgain_WithTheSameFingerprint_IsKnown_WithAnother_IsRefused_AndNoKeyIsNeither()
    {
        List<IdempotencyRecord> keys = [Key(1, Start)];

        Assert.Equal((keys[0], null), IdempotencyKeys.Lookup(keys, "k1", "f1"));
        Assert.Equal("idempotency_key_reused", IdempotencyKeys.Lookup(keys, "k1", "other").Reused?.Code);
        Assert.Equal((null, null), IdempotencyKeys.Lookup(keys, "k2", "f1"));
        Assert.Equal((null, null), IdempotencyKeys.Lookup(keys, null, "f1"));
    }
}
