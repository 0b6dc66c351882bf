using Milestones.Domain;

namespace Milestones.Contracts;

/// <summary>The platform's event feed: every contract and account event once, in order per contract and per account (keyed 0).</summary>
[Alias("ms.IEventFeedGrain")]
public interface IEventFeedGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The events after <paramref name="after"/> (a <see cref="FeedPage.NextCursor"/>; null or empty: from the oldest
    /// kept), of <paramref name="types"/> only if given. Every event acknowledged before the call is in the feed.
    /// </summary>
    [Alias("Read")] Task<Outcome<FeedPage>> ReadAsync(Caller caller, string? after, int limit, IReadOnlyList<string>? types);
}
