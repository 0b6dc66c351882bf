namespace Milestones.LoadTest.Http;

/// <summary>One HTTP call's outcome: success (2xx) or an error key (problem <c>code</c>, <c>http_&lt;status&gt;</c>, or exception kind).</summary>
internal readonly record struct CallResult(int Status, string? ErrorKey, byte[]? Body, TimeSpan? RetryAfter = null)
{
    public bool Ok => ErrorKey is null;

    /// <summary>Worth retrying while preparing: rate limited, unavailable, or no response at all.</summary>
    public bool Transient => Status is 0 or 429 or 502 or 503 or 504;

    public static CallResult Failed(string key) => new(0, key, null);

    public override string ToString() => Ok ? $"HTTP {Status}" : Status == 0 ? ErrorKey! : $"HTTP {Status} {ErrorKey}";
}
