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
