using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Scenarios;

/// <summary>What one operation is, and what must exist before a level can run it.</summary>
internal interface IScenario
{
    string Name { get; }

    /// <summary>The HTTP calls of one operation, in order (one for <c>fund</c>).</summary>
    IReadOnlyList<string> Steps { get; }

    /// <summary>Money one operation moves out of its client's available balance (deposits cover it).</summary>
    long FundedPerOperation { get; }

    /// <summary>
    /// Gets ready (not measured) for up to <paramref name="operations"/> operations of one level, numbered from 0, and
    /// answers how many it is ready for (fewer only when it draws from a fixed set of prepared contracts).
    /// </summary>
    Task<int> PrepareLevelAsync(int level, int operations, CancellationToken cancellation);

    /// <summary>Runs operation number <paramref name="index"/> of the level, recording it; throws only on cancellation.</summary>
    Task RunOnceAsync(int index, OperationRecorder recorder, CancellationToken cancellation);
}
