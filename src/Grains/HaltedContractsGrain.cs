using Microsoft.Extensions.Logging;
using Milestones.Contracts;

namespace Milestones;

/// <summary>Keeps every halted contract once (a report is retried until stored, so it may arrive twice).</summary>
internal sealed partial class HaltedContractsGrain(
    [PersistentState(StorageLayout.HaltedContracts, StorageLayout.Storage)] IPersistentState<List<ContractHalt>> store,
    ILogger<HaltedContractsGrain> logger) : Grain, IHaltedContractsGrain
{
    public async Task ReportAsync(ContractHalt halt)
    {
        if (store.State.Exists(h => h.ContractId == halt.ContractId && h.TransferId == halt.TransferId))
        {
            return;
        }

        store.State.Add(halt with { Reported = true });
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.RemoveAt(store.State.Count - 1);
            throw;
        }

        LogHalted(halt.ContractId, halt.TransferId, halt.Code, halt.Detail);
    }

    public Task<IReadOnlyList<ContractHalt>> ListAsync() => Task.FromResult<IReadOnlyList<ContractHalt>>([.. store.State]);

    [LoggerMessage(Level = LogLevel.Error, Message = "Contract {ContractId} is halted: transfer {TransferId} was refused ({Code}: {Detail}); the books disagree")]
    private partial void LogHalted(string contractId, string transferId, string code, string detail);
}
