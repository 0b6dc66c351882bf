namespace Milestones.Effects;

/// <summary>
/// A grain's row as its next write would store it (its state, events, "My Jobs" lines and answers), prepared by the
/// grain storage (<see cref="IRowCarrying"/>) for another grain's write to commit in the same transaction: both rows
/// or neither. Opaque to grains: they pass it on. The grain that prepared it learns the stored version from the
/// carrying grain and calls <see cref="Stored"/>, which brings its state where its own write would have.
/// </summary>
[GenerateSerializer, Alias("ms.CarriedRow")]
public sealed class CarriedRow(byte[] write)
{
    [NonSerialized]
    private Action<long>? stored;

    [Id(0)] public byte[] Write { get; } = write;

    /// <summary>What the preparing grain does once the row is stored, after what it was told before (the storage that prepared it first).</summary>
    public CarriedRow OnStored(Action<long> action)
    {
        stored += action;
        return this;
    }

    /// <summary>The row was stored at <paramref name="version"/> by the carrying grain's write.</summary>
    public void Stored(long version) =>
        (stored ?? throw new InvalidOperationException("Only the grain that prepared a carried row can learn it was stored."))(version);
}

/// <summary>Grain storage whose writes can carry another grain's row (the group-commit storage).</summary>
public interface IRowCarrying
{
    /// <summary>
    /// The row the state's next write would store, for another grain's write to carry (<see cref="CarriedRow"/>);
    /// throws, as a write would, when it cannot be prepared. The state must not change until the carrying write's
    /// outcome is known: then <see cref="CarriedRow.Stored"/>, or a reload when it may not have committed.
    /// </summary>
    CarriedRow Carry<T>(string stateName, GrainId grainId, IGrainState<T> grainState);
}

/// <summary>A grain state whose write also stores rows of other grains that it carries (<see cref="CarriedRow"/>), all or none.</summary>
public interface IRowCarrier
{
    /// <summary>The rows the next write carries, in the order they were given.</summary>
    IReadOnlyList<CarriedRow> CarriedRows { get; }

    /// <summary>The write committed with the rows: their new versions, in the same order.</summary>
    void RowsStored(IReadOnlyList<CarriedRow> rows, IReadOnlyList<long> versions);
}
