namespace Milestones.Api.Hosting;

/// <summary>
/// An API in Client mode keeps trying to reach the silo cluster (every few seconds, until it stops) instead of failing
/// at start: it listens meanwhile and <c>/health/ready</c> answers 503 until a silo answers.
/// </summary>
internal sealed partial class ClusterConnectRetry(ILogger<ClusterConnectRetry> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private int attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref attempts);
        if (attempt == 1 || attempt % 12 == 0)
        {
            LogWaiting(logger, attempt, exception.Message);
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, 250 * attempt)), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo reachable yet (attempt {Attempt}: {Reason}); retrying in the background, /health/ready answers 503 meanwhile")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);
}
