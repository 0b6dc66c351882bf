using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Milestones.Api.Hosting;

namespace Milestones.Tests.Api;

/// <summary>
/// Test only (a logger of <see cref="ApiFactory"/>): the problem codes the API answered that its catalogue does not
/// list, which every API test checks there are none of when it ends.
/// </summary>
public sealed class UnlistedProblemCodes : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> answered = new();

    /// <summary>Takes what was logged since the last call.</summary>
    public IReadOnlyList<string> Take()
    {
        var taken = new List<string>();
        while (answered.TryDequeue(out var entry))
        {
            taken.Add(entry);
        }

        return taken;
    }

    public ILogger CreateLogger(string categoryName) => this;

    public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == ApiLog.UnlistedProblemCodeEvent)
        {
            answered.Enqueue(formatter(state, exception));
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Dispose()
    {
    }
}
