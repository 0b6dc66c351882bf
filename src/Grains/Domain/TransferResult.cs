namespace Milestones.Domain;

/// <summary>What applying a transfer did: applied now, applied before (a replay), or refused with an error.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.TransferResult")]
public sealed record TransferResult(
    [property: Id(0)] LedgerEntry? Entry,
    [property: Id(1)] bool Replayed,
    [property: Id(2)] Error? Error)
{
    public bool Succeeded => Error is null;
}
