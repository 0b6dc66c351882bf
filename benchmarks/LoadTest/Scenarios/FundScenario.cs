using Milestones.LoadTest.Http;
using Milestones.LoadTest.Preparation;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Scenarios;

/// <summary>
/// One operation = one <c>POST /v1/contracts/{id}/milestones/m1/fund</c> by the client of a prepared, active contract.
/// Contracts a level did not reach (never attempted) are kept for the next level, which prepares only the shortfall;
/// given a fixed set of <paramref name="prepared"/> contracts (made by an earlier process), levels draw from it and prepare none.
/// </summary>
internal sealed class FundScenario(
    MilestonesApi api, Cast cast, long amount, bool idempotencyKeys, int prepareConcurrency, TextWriter progress, PreparedContract[]? prepared = null)
    : IScenario
{
    private PreparedContract[] _contracts = prepared ?? [];
    private int _reached;
    private int _batches;

    public string Name => "fund";

    public IReadOnlyList<string> Steps { get; } = ["fund"];

    public long FundedPerOperation => amount;

    public async Task<int> PrepareLevelAsync(int level, int operations, CancellationToken cancellation)
    {
        var untouched = _contracts[Math.Min(Volatile.Read(ref _reached), _contracts.Length)..];
        var missing = prepared is null ? Math.Max(0, operations - untouched.Length) : 0;
        var batch = $"b{++_batches}c{level}";
        var fresh = missing > 0
            ? await ContractPreparer.PrepareAsync(api, cast, batch, missing, 1, prepareConcurrency, progress, cancellation)
            : [];
        progress.WriteLine($"[prepare {batch}] {untouched.Length} untouched contracts kept from the previous level, {fresh.Length} created");
        _contracts = [.. untouched, .. fresh];
        _reached = 0;
        return Math.Min(operations, _contracts.Length);
    }

    /// <summary>Prepares <paramref name="count"/> contracts for a later run (<c>--prepare-only</c>).</summary>
    public Task<PreparedContract[]> PrepareForLaterAsync(int count, CancellationToken cancellation) =>
        ContractPreparer.PrepareAsync(api, cast, "later", count, 1, prepareConcurrency, progress, cancellation);

    public async Task RunOnceAsync(int index, OperationRecorder recorder, CancellationToken cancellation)
    {
        RaiseReached(index + 1);
        var contract = _contracts[index];
        var started = OperationRecorder.Start();
        var result = await api.FundAsync(contract.Client, contract.Id, "m1", idempotencyKeys ? $"fund-{contract.Id}-m1" : null, cancellation);
        if (recorder.Step(0, started, result))
        {
            recorder.Succeeded(started);
        }
    }

    private void RaiseReached(int value)
    {
        var current = Volatile.Read(ref _reached);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _reached, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
