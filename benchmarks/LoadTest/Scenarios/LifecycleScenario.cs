using Milestones.LoadTest.Http;
using Milestones.LoadTest.Preparation;
using Milestones.LoadTest.Running;

namespace Milestones.LoadTest.Scenarios;

/// <summary>
/// One operation = a whole contract round: the client creates a 3-milestone offer, both parties accept, the client funds
/// m1, the freelancer submits, the client approves. Each call's latency is recorded per step; an operation stops at its
/// first failed call.
/// </summary>
internal sealed class LifecycleScenario(MilestonesApi api, Cast cast, long amount, bool idempotencyKeys) : IScenario
{
    private const int Milestones = 3;
    private long _sequence;

    public string Name => "lifecycle";

    public IReadOnlyList<string> Steps { get; } = ["create", "accept-client", "accept-freelancer", "fund", "submit", "approve"];

    public long FundedPerOperation => amount;

    public Task<int> PrepareLevelAsync(int level, int operations, CancellationToken cancellation) => Task.FromResult(operations);

    public async Task RunOnceAsync(int index, OperationRecorder recorder, CancellationToken cancellation)
    {
        var (client, freelancer) = cast.PairFor(index);
        var number = Interlocked.Increment(ref _sequence);
        string? Key(string step) => idempotencyKeys ? $"{cast.RunId}-op{number}-{step}" : null;

        var operation = OperationRecorder.Start();
        var started = operation;
        var created = await api.CreateContractAsync(client, freelancer.UserId, $"Load test lifecycle #{number}", Milestones, Key("create"), cancellation);
        if (!recorder.Step(0, started, created))
        {
            return;
        }

        if (ProblemCode.ReadString(created.Body, "id") is not { } id)
        {
            recorder.Fail(0, "no_contract_id");
            return;
        }

        var calls = new Func<string?, Task<CallResult>>[]
        {
            key => api.AcceptAsync(client, id, key, cancellation),
            key => api.AcceptAsync(freelancer, id, key, cancellation),
            key => api.FundAsync(client, id, "m1", key, cancellation),
            key => api.SubmitAsync(freelancer, id, "m1", key, cancellation),
            key => api.ApproveAsync(client, id, "m1", key, cancellation),
        };
        for (var step = 1; step < Steps.Count; step++)
        {
            started = OperationRecorder.Start();
            if (!recorder.Step(step, started, await calls[step - 1](Key(Steps[step]))))
            {
                return;
            }
        }

        recorder.Succeeded(operation);
    }
}
