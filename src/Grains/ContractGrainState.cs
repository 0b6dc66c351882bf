using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Milestones.Wakeups;

namespace Milestones;

/// <summary>
/// What a contract grain stores: the contract and its effect bookkeeping. The idempotency keys it has answered are
/// stored with their answers, outside its row (<see cref="IAnswerSource"/>), and read back with it (<see cref="KeysStored"/>).
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.ContractGrainState")]
public sealed class ContractGrainState : IScheduledState, IEventSource, IListedState, IAnswerSource
{
    [Id(0)] public ContractState Contract { get; set; } = new();
    /// <summary>
    /// The keys an earlier build stored in the row (their answers stored apart): they stay in it until the rule
    /// forgets them. Every key remembered since is stored with its answer only.
    /// </summary>
    [Id(1)] public List<IdempotencyRecord> EarlierKeys { get; set; } = [];

    /// <summary>The keys of its recent commands, oldest first, kept by the one rule (<see cref="IdempotencyKeys"/>), without their answers.</summary>
    public List<IdempotencyRecord> Keys => keys.Keys;

    [NonSerialized]
    private readonly KeyMemory keys = new();

    /// <summary>The key of the command whose transfer is still open; recorded when the transfer completes.</summary>
    [Id(2)] public IdempotencyRecord? PendingKey { get; set; }

    /// <summary>When the contract must be woken to auto-release (stored with the state; set on every write).</summary>
    [Id(4)] public DateTimeOffset? WakeAt { get; set; }

    /// <summary>When the open transfer was decided: its outcome is stamped with this time, so finishing it again gives the same state.</summary>
    [Id(5)] public DateTimeOffset? TransferDecidedAt { get; set; }

    /// <summary>Set when the books disagree: the contract takes no more commands until the platform has looked.</summary>
    [Id(6)] public ContractHalt? Halt { get; set; }

    /// <summary>The last of the contract's events stored (in the outbox, with the state that recorded it).</summary>
    [field: NonSerialized]
    private long StoredEvents { get; set; }

    public IReadOnlyList<OutboxEvent> Unwritten(GrainId grain) =>
        Contract.EventCount == StoredEvents ? [] : [.. Contract.Events.Where(e => e.Seq > StoredEvents).Select(e => FeedEvents.Contract(Contract, e))];

    /// <summary>The status the parties' "My Jobs" lines hold (stored with the state that has it); null: none stored.</summary>
    [field: NonSerialized]
    private ContractStatus? ListedStatus { get; set; }

    /// <summary>The parties' "My Jobs" lines differ from the contract: its next write stores them.</summary>
    public bool ListingChanged => Contract.Exists && ListedStatus != Contract.Status;

    public IReadOnlyList<JobListing> Unlisted() =>
        ListingChanged ? [new(Contract.ClientId, Contract.ToSummary(PartyRole.Client)), new(Contract.FreelancerId, Contract.ToSummary(PartyRole.Freelancer))] : [];

    /// <summary>
    /// Read from the store: its events are in the outbox (<see cref="ContractGrain"/> reads them there). A row an
    /// earlier build wrote keeps its events itself: they are hashed into the audit chain if they were stored before it
    /// (<see cref="AuditChain.HashLegacy"/>; stored with the next write), and the log goes on from the last of them.
    /// </summary>
    public void Loaded()
    {
        AuditChain.HashLegacy(Contract.RowEvents);
        if (Contract.EventCount == 0 && Contract.RowEvents.Count > 0)
        {
            (Contract.EventCount, Contract.LastHash) = (Contract.RowEvents[^1].Seq, Contract.RowEvents[^1].Hash);
        }

        StoredEvents = Contract.EventCount;
        ListedStatus = Contract.Exists ? Contract.Status : null;
        keys.Loaded(EarlierKeys);
    }

    /// <summary>The keys stored with their answers (<see cref="IRememberedAnswers.ReadKeysAsync"/>) join those of the row (<see cref="KeyMemory.Stored"/>).</summary>
    public void KeysStored(IReadOnlyList<IdempotencyRecord> stored) => keys.Stored(EarlierKeys, stored);

    public void Listed(IReadOnlyList<JobListing> lines) => ListedStatus = lines[^1].Summary.Status;

    /// <summary>The events are in the outbox: memory keeps only those it has not stored yet.</summary>
    public void Written(IReadOnlyList<OutboxEvent> events)
    {
        StoredEvents = Math.Max(StoredEvents, events.Max(e => e.Seq));
        Contract.Events.RemoveAll(e => e.Seq <= StoredEvents);
    }

    /// <summary>
    /// Remembers a command's key (<see cref="KeyMemory.Remember"/>), stored with its answer — what it made
    /// (<paramref name="answer"/>) or its rejection — by the state's next write; a key whose answer is null and that
    /// holds no rejection is stored by the write that carries its answer (<see cref="CarriedAnswer"/>).
    /// </summary>
    public void RememberKey(IdempotencyRecord record, ContractResult? answer = null) =>
        keys.Remember(record, answer is not null || record.Rejection is not null ? KeptAnswer.Of(record, answer) : null, EarlierKeys);

    /// <summary>The answer of a key remembered since the last write (not stored yet), or null.</summary>
    public ContractResult? UnwrittenAnswer(string key) => keys.Unwritten(key)?.Result;

    public (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers() => keys.UnwrittenAnswers();

    public void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten) => keys.AnswersWritten(remembered, forgotten);

    public bool AnswersBesideEvents => true;
}
