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
    [field: NonSerialized]
    public List<IdempotencyRecord> Keys { get; private set; } = [];

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
        Keys = [.. EarlierKeys];
    }

    /// <summary>
    /// The keys stored with their answers (<see cref="IRememberedAnswers.ReadKeysAsync"/>) join those of the row: the
    /// rule is applied to them all again in the order they were remembered, so memory holds what it held before.
    /// </summary>
    public void KeysStored(IReadOnlyList<IdempotencyRecord> stored)
    {
        Keys = [];
        foreach (var key in EarlierKeys.Concat(stored.Distinct()).OrderBy(k => k.At))
        {
            IdempotencyKeys.Remember(Keys, key);
        }
    }

    public void Listed(IReadOnlyList<JobListing> lines) => ListedStatus = lines[^1].Summary.Status;

    /// <summary>The events are in the outbox: memory keeps only those it has not stored yet.</summary>
    public void Written(IReadOnlyList<OutboxEvent> events)
    {
        StoredEvents = Math.Max(StoredEvents, events.Max(e => e.Seq));
        Contract.Events.RemoveAll(e => e.Seq <= StoredEvents);
    }

    /// <summary>Answers remembered since the state was read or written: stored by its next write (null: none; most activations remember none).</summary>
    [NonSerialized]
    private List<StoredAnswer>? unwrittenAnswers;

    /// <summary>Keys forgotten since the state was read or written: their answers are deleted by its next write.</summary>
    [NonSerialized]
    private List<string>? forgottenKeys;

    /// <summary>
    /// Remembers a command's key by the one rule (<see cref="IdempotencyKeys"/>), stored with its answer — what it
    /// made (<paramref name="answer"/>) or its rejection — by the state's next write (<see cref="IAnswerSource"/>); a
    /// key whose answer is null and that holds no rejection is stored by the write that carries its answer
    /// (<see cref="CarriedAnswer"/>). The answers of the keys it forgets are deleted.
    /// </summary>
    public void RememberKey(IdempotencyRecord record, ContractResult? answer = null)
    {
        if (answer is not null || record.Rejection is not null)
        {
            (unwrittenAnswers ??= []).Add(new StoredAnswer(record.Key, KeptAnswer.Of(record, answer)));
        }

        IdempotencyKeys.Remember(Keys, record with { Result = null }, forgottenKeys ??= []);
        if (EarlierKeys.Count > 0)
        {
            EarlierKeys.RemoveAll(k => !Keys.Contains(k));
        }
    }

    /// <summary>The answer of a key remembered since the last write (not stored yet), or null.</summary>
    public ContractResult? UnwrittenAnswer(string key) => unwrittenAnswers?.FindLast(a => a.Key == key)?.Answer.Result;

    public (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers() =>
        (unwrittenAnswers is { Count: > 0 } ? [.. unwrittenAnswers] : [], forgottenKeys is { Count: > 0 } ? [.. forgottenKeys] : []);

    public void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten)
    {
        unwrittenAnswers?.RemoveAll(remembered.Contains);
        forgottenKeys?.RemoveAll(forgotten.Contains);
    }
}
