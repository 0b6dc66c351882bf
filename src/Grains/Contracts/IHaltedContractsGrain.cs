namespace Milestones.Contracts;

/// <summary>
/// The platform's list of contracts stopped because their books disagree (one grain, key "halted"). Contracts report to
/// it; the ledger check reads it. It calls no other grain.
/// </summary>
[Alias("ms.IHaltedContractsGrain")]
public interface IHaltedContractsGrain : IGrainWithStringKey
{
    [Alias("Report")] Task ReportAsync(ContractHalt halt);
    [Alias("List")] Task<IReadOnlyList<ContractHalt>> ListAsync();
}
