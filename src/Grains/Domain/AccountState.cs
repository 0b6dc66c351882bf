namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.CurrencyBalance")]
public sealed class CurrencyBalance
{
    [Id(0)] public long Available { get; set; }
    [Id(1)] public long Held { get; set; }
    [Id(2)] public long Deposited { get; set; }
    [Id(3)] public long PaidOut { get; set; }
}

[GenerateSerializer, Alias("ms.Hold")]
public sealed class Hold
{
    [Id(0)] public string ContractId { get; set; } = "";
    [Id(1)] public string MilestoneId { get; set; } = "";
    [Id(2)] public Money Amount { get; set; }
    [Id(3)] public DateTimeOffset At { get; set; }
}

/// <summary>The stored state of one escrow account. Behaviour lives in <see cref="Account"/>.</summary>
[GenerateSerializer, Alias("ms.AccountState")]
public sealed class AccountState
{
    [Id(0)] public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];

    /// <summary>Holds keyed by "{contractId}/{milestoneId}".</summary>
    [Id(1)] public Dictionary<string, Hold> Holds { get; set; } = [];

    /// <summary>Every applied transfer, in order; the account statement and the idempotency record in one.</summary>
    [Id(2)] public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>Captures not yet settled, by transfer id: money on its way to another account.</summary>
    [Id(3)] public Dictionary<string, TransferOrder> InTransit { get; set; } = [];

    /// <summary>Whether the ledger check knows this account exists.</summary>
    [Id(4)] public bool Registered { get; set; }

    /// <summary>Idempotency keys of recent deposits → what they asked for (oldest first, bounded).</summary>
    [Id(5)] public List<KeyValuePair<string, string>> DepositKeys { get; set; } = [];
}
