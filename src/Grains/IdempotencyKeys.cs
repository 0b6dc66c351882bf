using Milestones.Domain;

namespace Milestones;

/// <summary>
/// The one idempotency rule of every grain that takes an <c>Idempotency-Key</c> (contracts, accounts): a key is
/// kept at least <see cref="Retention"/> after its command, and the most recent <see cref="MinKept"/> whatever their
/// age; beyond that a key is forgotten once older than <see cref="Retention"/>, or, however young, once
/// <see cref="MaxKept"/> newer keys follow it — far more than a day of the busiest account's commands. A key sent
/// again with the same fingerprint replays its first answer; with another, it is refused
/// (<see cref="Errors.IdempotencyKeyReused"/>). Keys are held oldest first.
/// </summary>
public static class IdempotencyKeys
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public const int MinKept = 64;

    public const int MaxKept = 10_000;

    /// <summary>What <paramref name="key"/> was sent with before: its record if with <paramref name="fingerprint"/>, a refusal if with another, or neither.</summary>
    public static (IdempotencyRecord? Known, Error? Reused) Lookup(List<IdempotencyRecord> keys, string? key, string fingerprint) =>
        key is null || keys.FindLast(k => k.Key == key) is not { } known ? (null, null)
        : Fingerprint.Matches(known.Fingerprint, fingerprint) ? (known, null)
        : (null, Errors.IdempotencyKeyReused());

    /// <summary>Adds <paramref name="record"/> and forgets what the rule lets go, adding each forgotten key to <paramref name="forgotten"/>.</summary>
    public static void Remember(List<IdempotencyRecord> keys, IdempotencyRecord record, List<string>? forgotten = null)
    {
        keys.Add(record);
        var cutoff = record.At - Retention;
        var drop = 0;
        while (keys.Count - drop > MaxKept || (keys.Count - drop > MinKept && keys[drop].At < cutoff))
        {
            forgotten?.Add(keys[drop].Key);
            drop++;
        }

        keys.RemoveRange(0, drop);
    }
}
