namespace Milestones.Api.Hosting;

internal static partial class ApiLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Milestones API listening on {Address}; API reference at {Address}/scalar, OpenAPI at {Address}/openapi/v1.json")]
    public static partial void LogApiReference(this ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: a part of the system is unavailable ({ExceptionType})")]
    public static partial void LogServiceUnavailable(this ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A statement failed after its response began; the response was aborted")]
    public static partial void LogStatementAborted(this ILogger logger, Exception exception);

    public const int UnlistedProblemCodeEvent = 9001;

    [LoggerMessage(EventId = UnlistedProblemCodeEvent, Level = LogLevel.Error, Message = "Answered problem code {Code}, which the problem catalogue or its operation does not list ({Operation})")]
    public static partial void LogUnlistedProblemCode(this ILogger logger, string code, string operation);
}
