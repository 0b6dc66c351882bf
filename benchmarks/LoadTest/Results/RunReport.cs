namespace Milestones.LoadTest.Results;

/// <summary>The whole run as written to <c>prefix.json</c>; <c>webhook</c> only with <c>--webhook</c>.</summary>
internal sealed record RunReport(
    string Target,
    string Label,
    string Scenario,
    string RunId,
    DateTimeOffset StartedAt,
    int Clients,
    int Count,
    double DurationSeconds,
    double WarmupSeconds,
    bool IdempotencyKeys,
    string Tokens,
    int ProcessorCount,
    IReadOnlyList<LevelResult> Levels,
    bool Complete,
    WebhookResult? Webhook = null)
{
    public string Tool { get; } = "Milestones.LoadTest";
}
