namespace Milestones;

/// <summary>
/// A grain state that remembers what its rows beside it hold (its events in the outbox, its "My Jobs" lines): the
/// grain storage tells it once when it was read, so everything it holds is as stored.
/// </summary>
public interface ILoadedState
{
    /// <summary>The state was read from storage: every event and line it holds is stored.</summary>
    void Loaded();
}

/// <summary>
/// A state that stores what follows from the rest of it (a count, a wake-up time): the grain storage calls
/// <see cref="Writing"/> in the step that serializes the state, so what is derived is what is written. Orleans' storage
/// bridge runs a write after the grain has asked for it (it yields first), between the grain's turns: a reentrant grain
/// may change its state in between, and a field set when the write was asked would disagree with the rest of the row.
/// </summary>
public interface IWritingState
{
    /// <summary>The state is about to be serialized for a write: set what is derived from the rest of it.</summary>
    void Writing();
}
