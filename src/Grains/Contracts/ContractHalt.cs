namespace Milestones.Contracts;

/// <summary>
/// Why a contract stopped: an account refused a movement that cannot be refused (a capture, credit or refund), so
/// the contract's record and the books disagree. Not retryable; the platform sees it in the ledger check.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractHalt")]
public sealed record ContractHalt(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] string Code,
    [property: Id(3)] string Detail,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] bool Reported = false);
