namespace Milestones.Domain;

/// <summary>
/// One line of a contract's event log: who did what, when, with the message if any, and its link in the contract's
/// audit chain (<see cref="AuditChain"/>): <see cref="Hash"/> covers the previous event's hash and this event.
/// Null only in an event stored before the chain existed, until its contract is loaded (<see cref="AuditChain.HashLegacy"/>).
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractEvent")]
public sealed record ContractEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Type,
    [property: Id(4)] IReadOnlyDictionary<string, string> Data,
    [property: Id(5)] string? Message,
    [property: Id(6)] string? Hash = null);
