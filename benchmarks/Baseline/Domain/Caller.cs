namespace Milestones.Baseline.Domain;

/// <summary>The authenticated user (<c>sub</c>) and whether the token carries the platform role.</summary>
internal readonly record struct Caller(string UserId, bool IsPlatform)
{
    public string Actor => IsPlatform ? "platform:" + UserId : UserId;
}
