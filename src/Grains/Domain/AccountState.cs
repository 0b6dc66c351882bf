namespace Milestones.Domain;

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.CurrencyBalance")]
public sealed class CurrencyBalance
{
    [Id(0)] public long Available { get; set; }
    [Id(1)] public long Held { get; set; }
    [Id(2)] public long Deposited { get; set; }
    [Id(3)] public long PaidOut { get; set; }

    /// <summary>Credited and in the security period (<see cref="AccountState.Pending"/> itemises it).</summary>
    [Id(4)] public long Pending { get; set; }

    /// <summary>Asked out and not yet completed, failed or voided (<see cref="AccountState.Payouts"/> itemises it).</summary>
    [Id(5)] public long PayingOut { get; set; }
}

[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.Hold")]
public sealed class Hold
{
    [Id(0)] public string ContractId { get; set; } = "";
    [Id(1)] public string MilestoneId { get; set; } = "";
    [Id(2)] public Money Amount { get; set; }
    [Id(3)] public DateTimeOffset At { get; set; }
}

/// <summary>
/// The state of one escrow account in memory. Behaviour lives in <see cref="Account"/>. Balances and money in
/// transit are stored as they stand, and the holds as they stood after the last sealed line (the lines since
/// complete them: <see cref="Account.Restore"/>), so an account never replays its ledger to know them; of the
/// ledger, only the recent lines are in memory.
/// </summary>
public sealed class AccountState
{
    public Dictionary<string, CurrencyBalance> Balances { get; set; } = [];

    /// <summary>Holds keyed by "{contractId}/{milestoneId}".</summary>
    public Dictionary<string, Hold> Holds { get; set; } = [];

    /// <summary>
    /// The ledger lines in memory, in order: those not yet sealed into a page when the account was activated, and
    /// every line applied since. The account statement and the idempotency record in one; earlier lines are read
    /// from their sealed pages when asked for.
    /// </summary>
    public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>How many lines precede <see cref="Entries"/> (all in sealed pages).</summary>
    public long EarlierLines { get; set; }

    /// <summary>Legs of captures not yet settled, by the transfer id they are credited under: money on its way to another account.</summary>
    public Dictionary<string, InTransitLeg> InTransit { get; set; } = [];

    /// <summary>Credits in their security period, in the order they were applied.</summary>
    public List<PendingCredit> Pending { get; set; } = [];

    /// <summary>Whether the ledger check knows this account exists.</summary>
    public bool Registered { get; set; }

    /// <summary>Idempotency keys of the account's recent commands (deposits, payouts), oldest first, bounded.</summary>
    public List<AccountKey> Keys { get; set; } = [];

    /// <summary>Every payout, in the order asked.</summary>
    public List<Payout> Payouts { get; set; } = [];
}

/// <summary>
/// An idempotency key an account command was sent with: what it asked (<see cref="Asked"/>, compared on a retry),
/// what it made (a payout's id) or the refusal it answered (replayed for the same key and request).
/// </summary>
[GenerateSerializer, Immutable, Alias("ms.AccountKey")]
public sealed record AccountKey(
    [property: Id(0)] string Key,
    [property: Id(1)] string Asked,
    [property: Id(2)] string? Made = null,
    [property: Id(3)] Error? Refusal = null);
