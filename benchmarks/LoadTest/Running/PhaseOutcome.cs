namespace Milestones.LoadTest.Running;

/// <summary>What one phase did: its recordings, how long it took, how many prepared slots it used, whether the run was stopped.</summary>
internal sealed record PhaseOutcome(OperationRecorder Recorder, TimeSpan Elapsed, int Used, bool Cancelled);
