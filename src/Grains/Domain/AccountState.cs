namespace Milestones.Domain;

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.CurrencyBalance")]
public sealed class CurrencyBalance
{
    [Id(0)] public long Available { get; set; }
    [Id(1)] public long Held { get; set; }
    [Id(2)] public long Deposited { get; set; }
    [Id(3)] public long PaidOut { get; set; }
}

public sealed class Hold
{
    public string ContractId { get; set; } = "";
    public string MilestoneId { get; set; } = "";
    public Money Amount { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The state of one escrow account in memory. Behaviour lives in <see cref="Account"/>. The holds follow from the
/// ledger (<see cref="Account.RestoreHolds"/>), so storage keeps the ledger and the balances, not the holds.
/// </summary>
public sealed class AccountState
{
    public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];

    /// <summary>Holds keyed by "{contractId}/{milestoneId}".</summary>
    public Dictionary<string, Hold> Holds { get; set; } = [];

    /// <summary>Every applied transfer, in order; the account statement and the idempotency record in one.</summary>
    public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>Captures not yet settled, by transfer id: money on its way to another account.</summary>
    public Dictionary<string, TransferOrder> InTransit { get; set; } = [];

    /// <summary>Whether the ledger check knows this account exists.</summary>
    public bool Registered { get; set; }

    /// <summary>Idempotency keys of recent deposits → what they asked for (oldest first, bounded).</summary>
    public List<KeyValuePair<string, string>> DepositKeys { get; set; } = [];

    /// <summary>Deposit idempotency keys whose deposit was refused → the refusal, replayed for the same key and body.</summary>
    public Dictionary<string, Error> RefusedDeposits { get; set; } = [];
}
