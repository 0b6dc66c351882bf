using System.Collections.Concurrent;

namespace Milestones.LoadTest.Metrics;

/// <summary>Failed calls by key: the problem <c>code</c>, else <c>http_&lt;status&gt;</c>, else the exception kind.</summary>
internal sealed class ErrorCounts
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Volatile.Read(ref _total);

    public void Add(string key)
    {
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public SortedDictionary<string, long> Snapshot() => new(_counts, StringComparer.Ordinal);
}
