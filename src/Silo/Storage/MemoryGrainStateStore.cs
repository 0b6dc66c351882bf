using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state in this process's memory (tests only): the same rows, versions and wake-ups as the databases, so
/// every provider runs the same group-commit storage, and the same outbox, feed and "My Jobs". A batch is applied
/// under one lock.
/// </summary>
internal sealed class MemoryGrainStateStore : GrainStateStore
{
    private readonly Dictionary<(string, string), Row> rows = [];

    /// <summary>The outbox and feed: each event positioned as it is stored, in feed order, with its ledger line if it is one.</summary>
    private readonly List<(long Position, OutboxEvent Event, StoredLine? Line)> positioned = [];

    /// <summary>Every event stored, by stream and number (an event pruned from the feed is not stored again).</summary>
    private readonly HashSet<(string, long)> stored = [];
    private readonly Dictionary<(string UserId, string ContractId), ContractSummary> jobs = [];
    private readonly Dictionary<(string GrainId, string Key), byte[]> answers = [];
    private long head;
    private long pruned;

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
            var versions = batch.Select(w => Put(w.Key, w.ExpectedVersion, w.Payload, w.WakeAt)).ToArray();
            for (var i = 0; i < batch.Count; i++)
            {
                if (versions[i] is not null)
                {
                    var write = batch[i];
                    foreach (var (e, line) in write.Events.Zip(write.Lines).Where(e => stored.Add((e.First.Stream, e.First.Seq))))
                    {
                        positioned.Add((++head, e, line));
                    }

                    foreach (var answer in batch[i].Answers)
                    {
                        answers.TryAdd((answer.GrainId, answer.Key), answer.Answer);
                    }

                    foreach (var key in batch[i].Forgotten)
                    {
                        answers.Remove((batch[i].GrainId, key));
                    }

                    foreach (var line in batch[i].Listings)
                    {
                        var key = (line.UserId, line.Summary.ContractId);
                        if (!jobs.TryGetValue(key, out var known) || known.Version < line.Summary.Version)
                        {
                            jobs[key] = line.Summary;
                        }
                    }
                }
            }

            return Task.FromResult(versions);
        }
    }

    public override Task<FeedRead> ReadFeedAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            var from = positioned.BinarySearch((Math.Max(after, pruned) + 1, null!, null), Comparer<(long Position, OutboxEvent, StoredLine?)>.Create((a, b) => a.Position.CompareTo(b.Position)));
            var page = positioned.Skip(from < 0 ? ~from : from).Where(e => types is null || types.Contains(e.Event.Type))
                .Take(limit).Select(e => (e.Position, e.Event.Json)).ToList();
            return Task.FromResult(new FeedRead(page, pruned, head));
        }
    }

    public override Task<IReadOnlyList<string>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. positioned.Select(p => p.Event).Where(e => e.Stream == stream && e.Seq > after)
                .OrderBy(e => e.Seq).Take(limit).Select(e => e.Json)]);
        }
    }

    public override Task<IReadOnlyList<byte[]>> ReadLinesAsync(string stream, long after, int limit, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<byte[]>>([.. positioned.Where(p => p.Line is not null && p.Event.Stream == stream && p.Event.Seq > after)
                .OrderBy(p => p.Event.Seq).Take(limit).Select(p => p.Line!.Payload)]);
        }
    }

    public override Task<IReadOnlyList<byte[]>> FindLinesAsync(string stream, long lineRef, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<byte[]>>([.. positioned.Where(p => p.Event.Stream == stream && p.Line?.Ref == lineRef)
                .Select(p => p.Line!.Payload)]);
        }
    }

    public override Task<byte[]?> ReadAnswerAsync(string grainId, string stream, string key, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult(answers.GetValueOrDefault((grainId, key)));
        }
    }

    public override Task<IReadOnlyList<(string Key, byte[] Answer)>> ReadAnswersAsync(string grainId, string? stream, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<(string, byte[])>>([.. answers.Where(a => a.Key.GrainId == grainId).Select(a => (a.Key.Key, a.Value))]);
        }
    }

    public override Task<IReadOnlyList<ContractSummary>> ListJobsAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<ContractSummary>>(jobs.Where(j => j.Key.UserId == userId).Select(j => j.Value)
                .Where(c => (role is null || c.Role == role) && (statuses is null || statuses.Contains(c.Status)))
                .Where(c => c.CreatedAt.UtcTicks < afterTicks || (c.CreatedAt.UtcTicks == afterTicks && string.CompareOrdinal(c.ContractId, afterId) > 0))
                .OrderByDescending(c => c.CreatedAt.UtcTicks).ThenBy(c => c.ContractId, StringComparer.Ordinal)
                .Take(limit)
                .ToList());
        }
    }

    public override Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (rows)
        {
            bool Old((long, OutboxEvent Event, StoredLine? Line) e) =>
                e.Event.At < before && e.Line is null && !e.Event.Stream.StartsWith(FeedEvents.KeptStreams, StringComparison.Ordinal);
            pruned = positioned.Where(e => e.Event.At < before).Aggregate(pruned, (highest, e) => Math.Max(highest, e.Position));
            return Task.FromResult(positioned.RemoveAll(Old));
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
