using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Milestones.Api.Hosting;

/// <summary>
/// Two token buckets: one per client address that runs before authentication (a flood of bad tokens is refused
/// without checking them), and one per caller (<c>sub</c>) after it. Every refusal is 429 <c>rate_limited</c>
/// with <c>Retry-After</c>.
/// </summary>
public static class RateLimits
{
    public const string PerCallerKey = "RateLimit:PermitsPerSecond";
    public const string PerAddressKey = "RateLimit:PermitsPerSecondPerAddress";
    private const string Code = "rate_limited";

    public static IServiceCollection AddMilestonesRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perCaller = configuration.GetValue(PerCallerKey, 1000);
        var perAddress = configuration.GetValue(PerAddressKey, 5000);
        services.AddSingleton(new AddressLimiter(PartitionedRateLimiter.Create<HttpContext, string>(
            http => RateLimitPartition.GetTokenBucketLimiter(Address(http), _ => Bucket(perAddress)))));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) => new ValueTask(RejectAsync(context.HttpContext, context.Lease));
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirst("sub")?.Value ?? Address(http), _ => Bucket(perCaller)));
        });
        return services;
    }

    /// <summary>The per-address limit; put it before authentication.</summary>
    public static IApplicationBuilder UseAddressRateLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limiter = context.RequestServices.GetRequiredService<AddressLimiter>().Limiter;
        using var lease = limiter.AttemptAcquire(context);
        if (!lease.IsAcquired)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await RejectAsync(context, lease);
            return;
        }

        await next(context);
    });

    private static TokenBucketRateLimiterOptions Bucket(int permitsPerSecond) => new()
    {
        TokenLimit = permitsPerSecond * 2,
        TokensPerPeriod = permitsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    };

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static Task RejectAsync(HttpContext http, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : ProblemHandling.RetryAfterSeconds;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemHandling.WriteAsync(http, StatusCodes.Status429TooManyRequests, Code, "Too many requests; retry after the time in Retry-After.", "Too many requests.");
    }

    /// <summary>The per-address limiter as one singleton (disposed with the container).</summary>
    internal sealed class AddressLimiter(PartitionedRateLimiter<HttpContext> limiter) : IDisposable
    {
        public PartitionedRateLimiter<HttpContext> Limiter => limiter;

        public void Dispose() => limiter.Dispose();
    }
}
