using Milestones.Effects;

namespace Milestones.Tests.Effects;

/// <summary>
/// A store and "My Jobs" in memory, for <see cref="EffectProtocol"/> without a silo. The state is one number (the
/// decision), the wake-up time the write stores with it, and whether the index has it; each port fails on demand.
/// </summary>
internal sealed class FakePorts : IEffectPorts
{
    public (int Value, DateTimeOffset? WakeAt, bool Indexed) Memory;
    public (int Value, DateTimeOffset? WakeAt, bool Indexed) Stored;
    public readonly List<TimeSpan> Scheduled = [];
    public readonly HashSet<string> Failing = [];
    public int Writes;

    /// <summary>The write commits, then its answer is lost: the store has the change, the caller sees an error.</summary>
    public bool WriteCommitsThenFails;

    /// <summary>The wake-up the state in memory needs (the grain computes it from the contract).</summary>
    public DateTimeOffset? WakeNeeded { get; set; }

    public bool PublishDue => !Memory.Indexed;

    public Task PublishAsync()
    {
        Trip(nameof(PublishAsync));
        Memory.Indexed = true;
        return Task.CompletedTask;
    }

    public Task WriteAsync()
    {
        Memory.WakeAt = WakeNeeded;
        Trip(nameof(WriteAsync));
        Writes++;
        Stored = Memory;
        if (WriteCommitsThenFails)
        {
            WriteCommitsThenFails = false;
            throw new TimeoutException("The commit's answer was lost.");
        }

        return Task.CompletedTask;
    }

    public Task ReloadAsync()
    {
        Trip(nameof(ReloadAsync));
        Memory = Stored;
        return Task.CompletedTask;
    }

    public void ScheduleFollowUp(TimeSpan delay) => Scheduled.Add(delay);

    private void Trip(string port)
    {
        if (Failing.Contains(port))
        {
            throw new InvalidOperationException($"{port} failed (injected).");
        }
    }
}
