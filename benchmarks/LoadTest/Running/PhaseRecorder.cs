using Milestones.LoadTest.Metrics;

namespace Milestones.LoadTest.Running;

/// <summary>All workers' recorders of one phase (warm-up or measured run) and their merged figures.</summary>
internal sealed class PhaseRecorder
{
    private readonly OperationRecorder[] _workers;
    private readonly int _steps;

    public PhaseRecorder(IReadOnlyList<string> steps, int workers)
    {
        _steps = steps.Count;
        _workers = Enumerable.Range(0, workers).Select(_ => new OperationRecorder(steps, Errors)).ToArray();
    }

    public ErrorCounts Errors { get; } = new();

    public OperationRecorder Worker(int index) => _workers[index];

    public long Succeeded => _workers.Sum(w => w.Operations.Count);

    public LatencyHistogram MergedOperations() => Merge(w => w.Operations);

    public LatencyHistogram MergedStep(int step) => step < _steps ? Merge(w => w.Steps[step]) : throw new ArgumentOutOfRangeException(nameof(step));

    private LatencyHistogram Merge(Func<OperationRecorder, LatencyHistogram> pick)
    {
        var merged = new LatencyHistogram();
        foreach (var worker in _workers)
        {
            merged.Add(pick(worker));
        }

        return merged;
    }
}
