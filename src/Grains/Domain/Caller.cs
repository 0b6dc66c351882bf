namespace Milestones.Domain;

/// <summary>Who issues a command: an authenticated user id, and whether the token carries the platform role.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Caller")]
public sealed record Caller([property: Id(0)] string UserId, [property: Id(1)] bool IsPlatform = false)
{
    /// <summary>How the caller appears in event logs.</summary>
    public string Actor => IsPlatform ? $"platform:{UserId}" : UserId;
}
