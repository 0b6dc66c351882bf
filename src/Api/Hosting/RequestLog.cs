using System.Diagnostics;

namespace Milestones.Api.Hosting;

/// <summary>
/// One log line per HTTP request (method, route path, status, duration), as structured fields for the JSON console
/// formatter. ASP.NET Core's own request logs take two entries (hosting) or a multi-line entry (HTTP logging).
/// <c>Logging:Requests=false</c> turns it off; the category is <c>Milestones.Api.Requests</c>.
/// </summary>
internal static partial class RequestLog
{
    public const string EnabledKey = "Logging:Requests";

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Milestones.Api.Requests");
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode, elapsed.TotalMilliseconds);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} {ElapsedMilliseconds:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);
}
