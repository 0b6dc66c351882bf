namespace Milestones.Contracts;

/// <summary>One account's totals for one currency, as the ledger check reads them.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.AccountTotals")]
public sealed record AccountTotals(
    [property: Id(0)] string Currency,
    [property: Id(1)] long Available,
    [property: Id(2)] long Held,
    [property: Id(3)] long Deposited,
    [property: Id(4)] long PaidOut,
    [property: Id(5)] long Pending,
    [property: Id(6)] long PayingOut);

/// <summary>
/// Money captured from a hold (by the transfer <see cref="Source"/>) on its way to <see cref="Destination"/> (an account
/// grain's key), credited there as <see cref="TransferId"/>.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.InTransitTransfer")]
public sealed record InTransitTransfer(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string Destination,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Source);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.AccountReport")]
public sealed record AccountReport(
    [property: Id(0)] IReadOnlyList<AccountTotals> Totals,
    [property: Id(1)] IReadOnlyList<InTransitTransfer> InTransit);

/// <summary>
/// Per currency: the money in all accounts (available + pending + held + paying out + in transit) against deposits
/// minus completed payouts. Sums over every account, so 128-bit: they may pass the largest long, never 2^127.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.LedgerCurrencyReport")]
public sealed record LedgerCurrencyReport(
    [property: Id(0)] string Currency,
    [property: Id(1)] Int128 Deposited,
    [property: Id(2)] Int128 PaidOut,
    [property: Id(3)] Int128 Available,
    [property: Id(4)] Int128 Held,
    [property: Id(5)] Int128 InTransit,
    [property: Id(6)] Int128 Pending,
    [property: Id(7)] Int128 PayingOut)
{
    public bool Balanced => checked(Available + Pending + Held + PayingOut + InTransit) == checked(Deposited - PaidOut);
}

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.LedgerReport")]
public sealed record LedgerReport(
    [property: Id(0)] int Accounts,
    [property: Id(1)] IReadOnlyList<LedgerCurrencyReport> Currencies,
    [property: Id(2)] IReadOnlyList<ContractHalt> HaltedContracts)
{
    /// <summary>Every currency balances.</summary>
    public bool Balanced => Currencies.All(c => c.Balanced);

    /// <summary>Every currency balances and no contract found its books disagreeing with an account.</summary>
    public bool Ok => Balanced && HaltedContracts.Count == 0;
}
