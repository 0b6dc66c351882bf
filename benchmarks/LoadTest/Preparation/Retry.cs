using Milestones.LoadTest.Http;

namespace Milestones.LoadTest.Preparation;

/// <summary>Preparation calls retry what is transient (429, 503, no response) a bounded number of times, then fail the run.</summary>
internal static class Retry
{
    private const int MaxAttempts = 8;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public static async Task<CallResult> RequireAsync(Func<CancellationToken, Task<CallResult>> call, string what, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await call(cancellation);
            if (result.Ok)
            {
                return result;
            }

            if (!result.Transient || attempt == MaxAttempts)
            {
                var hint = result.Status == 401 ? " Is --signing-key (with --issuer/--audience) the target's Auth settings?" : "";
                throw new RunFailedException($"preparation failed: {what}: {result} (after {attempt} attempt(s)).{hint}");
            }

            var backoff = TimeSpan.FromMilliseconds(50 * Math.Pow(2, attempt));
            await Task.Delay(result.RetryAfter is { } after && after > backoff ? Min(after, MaxDelay) : Min(backoff, MaxDelay), cancellation);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
