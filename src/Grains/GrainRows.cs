using Milestones.Effects;
using Orleans.Core;
using Orleans.Storage;

namespace Milestones;

/// <summary>
/// Rows a grain keeps beside its own state (an account's sealed ledger pages and holds snapshots). Each is
/// written before the state that counts it, so a row that no state counts yet can only have been left by a write
/// whose counting write never came: nothing in it was acknowledged, and it is written over.
/// </summary>
internal static class GrainRows
{
    public static async Task<GrainState<T>> ReadRowAsync<T>(this IGrainStorage storage, string name, GrainId grain)
        where T : new()
    {
        var row = new GrainState<T>(new T());
        await storage.ReadStateAsync(name, grain, row);
        return row;
    }

    /// <summary>Writes a row that no state counts yet, over whatever an interrupted earlier write left there.</summary>
    public static async Task WriteUncountedRowAsync<T>(this IGrainStorage storage, string name, GrainId grain, GrainState<T> row)
        where T : new()
    {
        try
        {
            await storage.WriteStateAsync(name, grain, row);
        }
        catch (InconsistentStateException)
        {
            row.ETag = (await storage.ReadRowAsync<T>(name, grain)).ETag;
            await storage.WriteStateAsync(name, grain, row);
        }
    }
}

/// <summary>
/// A grain's own row through Orleans' storage bridge (its errors, metrics and traces, without the lifecycle objects a
/// [PersistentState] adds to every activation), which another grain's write can also carry (<see cref="IRowCarrying"/>).
/// </summary>
internal sealed class GrainRow<T>(string name, IGrainContext context, IGrainStorage storage) where T : new()
{
    private readonly StateStorageBridge<T> bridge = new(name, context, storage);

    public T State
    {
        get => bridge.State;
        set => bridge.State = value;
    }

    public Task ReadStateAsync() => bridge.ReadStateAsync();

    public Task WriteStateAsync() => bridge.WriteStateAsync();

    /// <summary>Whether another grain's write can carry the row (<see cref="Carry"/>).</summary>
    public bool CanBeCarried => storage is IRowCarrying;

    /// <summary>The row as the next write would store it, for another grain's write to carry; once stored, the bridge has its version.</summary>
    public CarriedRow Carry()
    {
        var carrying = storage as IRowCarrying ?? throw new InvalidOperationException("This grain storage cannot have a row carried.");
        var row = new GrainState<T>(bridge.State, bridge.Etag);
        return carrying.Carry(name, context.GrainId, row).OnStored(_ => bridge.Etag = row.ETag);
    }
}
