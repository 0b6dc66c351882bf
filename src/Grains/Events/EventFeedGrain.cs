using System.Globalization;
using Microsoft.Extensions.Options;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Events;

/// <summary>
/// Reads the store's feed (<see cref="IEventFeed"/>): every event is positioned by the transaction that stores it,
/// so a reader sees every event acknowledged before its call, and never skips one following the cursor. Once an hour
/// it deletes what is older than the retention. A cursor is a position; one under what was deleted has lost events and
/// is refused.
/// </summary>
internal sealed class EventFeedGrain(IEventFeed feed, TimeProvider clock, IOptions<MilestonesOptions> options) : Grain, IEventFeedGrain
{
    public const int MaxLimit = 500;

    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private DateTimeOffset prunedAt = DateTimeOffset.MinValue;

    public async Task<Outcome<FeedPage>> ReadAsync(Caller caller, string? after, int limit, IReadOnlyList<string>? types)
    {
        if (!caller.IsPlatform)
        {
            return Errors.PlatformOnly("read the event feed");
        }

        long position = 0;
        if (!string.IsNullOrEmpty(after) && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out position))
        {
            return Errors.InvalidCursor("after");
        }

        var now = clock.GetUtcNow();
        if (now - prunedAt >= PruneEvery)
        {
            await feed.PruneAsync(now - options.Value.EventRetention, CancellationToken.None);
            prunedAt = now;
        }

        limit = Math.Clamp(limit, 1, MaxLimit);
        var read = await feed.ReadAsync(position, limit, types is { Count: > 0 } ? types : null, CancellationToken.None);
        if (position > 0 && position < read.Pruned)
        {
            return Errors.CursorExpired("after");
        }

        return Outcome<FeedPage>.Ok(new FeedPage(
            [.. read.Events.Select(e => FeedEvents.Parse(e.Body))], read.ReadThrough(position, limit).ToString(CultureInfo.InvariantCulture)));
    }
}
