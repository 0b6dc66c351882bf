using Milestones.Effects;

namespace Milestones.Tests.Effects;

/// <summary>
/// A store, a reminder service and "My Jobs" in memory, for <see cref="EffectProtocol"/> without a silo. The state is
/// one number (the decision) and one reminder time; each port fails on demand, before or after its effect.
/// </summary>
internal sealed class FakePorts : IEffectPorts
{
    public (int Value, DateTimeOffset? Reminder, bool Indexed) Memory;
    public (int Value, DateTimeOffset? Reminder, bool Indexed) Stored;
    public DateTimeOffset? ReminderService;
    public readonly List<TimeSpan> Scheduled = [];
    public readonly HashSet<string> Failing = [];

    /// <summary>The write commits, then its answer is lost: the store has the change, the caller sees an error.</summary>
    public bool WriteCommitsThenFails;

    public DateTimeOffset? Due { get; set; }

    public DateTimeOffset? ReminderNeeded => Due;

    public DateTimeOffset? ReminderRegistered
    {
        get => Memory.Reminder;
        set => Memory.Reminder = value;
    }

    public bool PublishDue => !Memory.Indexed;

    public Task RegisterReminderAsync(DateTimeOffset due)
    {
        Trip(nameof(RegisterReminderAsync));
        ReminderService = due;
        return Task.CompletedTask;
    }

    public Task UnregisterReminderAsync()
    {
        Trip(nameof(UnregisterReminderAsync));
        ReminderService = null;
        return Task.CompletedTask;
    }

    public Task PublishAsync()
    {
        Trip(nameof(PublishAsync));
        Memory.Indexed = true;
        return Task.CompletedTask;
    }

    public Task WriteAsync()
    {
        Trip(nameof(WriteAsync));
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
