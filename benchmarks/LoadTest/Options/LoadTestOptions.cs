namespace Milestones.LoadTest.Options;

/// <summary>Everything one run is told on the command line, validated by <see cref="LoadTestCommand"/>.</summary>
internal sealed record LoadTestOptions
{
    public required Uri Target { get; init; }

    public ScenarioKind Scenario { get; init; } = ScenarioKind.Fund;

    public IReadOnlyList<int> ConcurrencyLevels { get; init; } = [1, 8, 32, 64];

    /// <summary>Upper bound of one measured run in time (the run also stops at <see cref="Count"/>).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Upper bound of one measured run in operations; also how many contracts are prepared for it.</summary>
    public int Count { get; init; } = 20_000;

    public int Clients { get; init; } = 64;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Operations the warm-up may use at most; null: 20 per worker, at least 100, at most <see cref="Count"/>.</summary>
    public int? WarmupCount { get; init; }

    public string? OutPrefix { get; init; }

    public string? Label { get; init; }

    /// <summary>HS256 key to mint tokens with; null: ask the target's Development token route.</summary>
    public string? SigningKey { get; init; }

    public string Issuer { get; init; } = "milestones";

    public string Audience { get; init; } = "milestones-api";

    /// <summary>Minor units per milestone.</summary>
    public long Amount { get; init; } = 100;

    public string Currency { get; init; } = "USD";

    /// <summary>Whether measured POSTs carry an <c>Idempotency-Key</c> (preparation always does, to retry safely).</summary>
    public bool IdempotencyKeys { get; init; } = true;

    public int PrepareConcurrency { get; init; } = 32;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Hard cap on the whole run, preparation included.</summary>
    public TimeSpan MaxRunTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Only prepare <see cref="Count"/> fund contracts (and their deposits), write them to this file and stop.</summary>
    public string? PrepareOnly { get; init; }

    /// <summary>Fund the contracts of this <see cref="PrepareOnly"/> file (made by an earlier server process) instead of preparing any.</summary>
    public string? Prepared { get; init; }

    /// <summary>Subscribe a webhook served by this process and report its delivery lag.</summary>
    public bool Webhook { get; init; }

    public int WarmupOpsFor(int concurrency) =>
        Math.Min(Count, WarmupCount ?? Math.Max(100, 20 * concurrency));
}
