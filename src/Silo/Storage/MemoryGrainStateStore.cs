namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state in this process's memory (tests only): the same rows, versions and wake-ups as the databases, so
/// every provider runs the same group-commit storage. A batch is applied under one lock.
/// </summary>
internal sealed class MemoryGrainStateStore : GrainStateStore
{
    private readonly Dictionary<(string, string), Row> rows = [];

    public override int Writers => 1;

    public override Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult(rows.TryGetValue((stateName, grainId), out var row) ? new StoredGrainState(row.Payload, row.Version) : null);
        }
    }

    public override Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult(batch.Select(w => Put(w.Key, w.ExpectedVersion, w.Payload, w.WakeAt)).ToArray());
        }
    }

    public override Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<string>>(rows.Where(r => r.Value.WakeAt <= now)
                .OrderBy(r => r.Value.WakeAt).Take(limit).Select(r => r.Key.Item2).ToList());
        }
    }

    public override Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult(Put((stateName, grainId), version, null, null));
        }
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Compare-and-set: a new row only where none is (expected null), else only over the expected version.</summary>
    private long? Put((string, string) key, long? expected, byte[]? payload, DateTimeOffset? wakeAt)
    {
        var exists = rows.TryGetValue(key, out var row);
        if (expected is null ? exists : !exists || row!.Version != expected)
        {
            return null;
        }

        var version = (row?.Version ?? 0) + 1;
        rows[key] = new Row(payload, version, wakeAt);
        return version;
    }

    private sealed record Row(byte[]? Payload, long Version, DateTimeOffset? WakeAt);
}
