using Milestones.Domain;

namespace Milestones;

/// <summary>
/// What an account keeps in its own row: balances, captures in transit, deposit keys (with the refusals they answered) and the ledger lines not yet
/// sealed into a page. Every <see cref="StorageLayout.LedgerPageSize"/> lines are sealed into a <see cref="LedgerPage"/>
/// row of their own, written before the row that counts them, so a write costs the same however long the ledger.
/// Holds are not stored: they follow from the ledger.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.AccountRecord")]
public sealed class AccountRecord
{
    [Id(0)] public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];
    [Id(1)] public Dictionary<string, TransferOrder> InTransit { get; set; } = [];
    [Id(2)] public bool Registered { get; set; }
    [Id(3)] public List<KeyValuePair<string, string>> DepositKeys { get; set; } = [];
    [Id(4)] public int SealedPages { get; set; }
    [Id(5)] public List<LedgerEntry> Tail { get; set; } = [];
    [Id(6)] public Dictionary<string, Error> RefusedDeposits { get; set; } = [];
}

/// <summary>A sealed page of an account's ledger: <see cref="StorageLayout.LedgerPageSize"/> lines, never changed once counted.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.LedgerPage")]
public sealed class LedgerPage
{
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];
}
