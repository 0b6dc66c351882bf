namespace Milestones.Api.Hosting;

internal static partial class ApiLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Milestones API listening on {Address}; API reference at {Address}/scalar, OpenAPI at {Address}/openapi/v1.json")]
    public static partial void LogApiReference(this ILogger logger, string address);
}
