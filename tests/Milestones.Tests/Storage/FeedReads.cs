using Milestones.Events;
using Milestones.Silo.Storage;

namespace Milestones.Tests.Storage;

internal static class FeedReads
{
    /// <summary>
    /// The feed from its start once it holds <paramref name="count"/> events. On PostgreSQL a reader reads only below the
    /// oldest transaction running on the server, so events a test has just committed show once the transactions other
    /// tests began before them have ended (at once, when nothing else runs).
    /// </summary>
    public static async Task<FeedRead> ReadFeedOfAsync(this GrainStateStore store, int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(20))
        {
            var read = await store.ReadFeedAsync(0, Math.Max(count, 10), null, CancellationToken.None);
            if (read.Events.Count >= count || DateTime.UtcNow > deadline)
            {
                return read;
            }
        }
    }
}
