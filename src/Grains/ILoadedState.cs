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
