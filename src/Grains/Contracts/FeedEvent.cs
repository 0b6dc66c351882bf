namespace Milestones.Contracts;

/// <summary>
/// An event as it leaves the system (the feed, a webhook's body): <see cref="Seq"/> counts in its contract's or its
/// account's stream, <see cref="Notify"/> names the users to tell, <see cref="Hash"/> is the contract's audit chain.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.FeedEvent")]
public sealed record FeedEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Actor,
    [property: Id(4)] long Seq,
    [property: Id(5)] string? ContractId,
    [property: Id(6)] string? AccountId,
    [property: Id(7)] IReadOnlyDictionary<string, string> Data,
    [property: Id(8)] string? Message,
    [property: Id(9)] IReadOnlyList<string> Notify,
    [property: Id(10)] string? Hash = null);

/// <summary>A page of the platform's event feed; a reader follows <see cref="NextCursor"/> (given even when the page is empty).</summary>
[GenerateSerializer, Immutable, Alias("ms.FeedPage")]
public sealed record FeedPage([property: Id(0)] IReadOnlyList<FeedEvent> Items, [property: Id(1)] string NextCursor);
