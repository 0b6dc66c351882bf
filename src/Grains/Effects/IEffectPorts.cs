namespace Milestones.Effects;

/// <summary>
/// What <see cref="EffectProtocol"/> drives: the grain implements these over Orleans (state storage, the platform's list of halted contracts);
/// the protocol's unit tests implement them over fakes that fail on demand.
/// </summary>
internal interface IEffectPorts
{
    /// <summary>True while others must still be told of a stored change (the platform, of a halt).</summary>
    bool PublishDue { get; }

    /// <summary>Tells them, idempotently, and records that it did (written with the next change).</summary>
    Task PublishAsync();

    /// <summary>
    /// The durable write of the whole state, its wake-up time included (<see cref="Wakeups.IScheduledState"/>);
    /// throws when it may not have committed.
    /// </summary>
    Task WriteAsync();

    /// <summary>Replaces the state in memory by the last stored one.</summary>
    Task ReloadAsync();

    /// <summary>Runs <see cref="EffectProtocol.FollowUpAsync"/> again after the delay (a grain timer).</summary>
    void ScheduleFollowUp(TimeSpan delay);
}
