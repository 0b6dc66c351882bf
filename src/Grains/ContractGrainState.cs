using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Milestones.Wakeups;

namespace Milestones;

/// <summary>What a contract grain stores: the contract, the idempotency keys it has answered, and its effect bookkeeping.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.ContractGrainState")]
public sealed class ContractGrainState : IScheduledState, IEventSource, IListedState, IAnswerSource
{
    /// <summary>
    /// Keys are kept for <see cref="KeyRetention"/> after their command; the most recent <see cref="MinIdempotencyKeys"/>
    /// are kept whatever their age. A retry after that runs as a new command, and the state machine refuses what was
    /// already done (a milestone is funded once), so money still cannot move twice; only the response differs.
    /// </summary>
    public const int MinIdempotencyKeys = 64;

    public static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);

    [Id(0)] public ContractState Contract { get; set; } = new();
    [Id(1)] public List<IdempotencyRecord> Keys { get; set; } = [];

    /// <summary>The key of the command whose transfer is still open; recorded when the transfer completes.</summary>
    [Id(2)] public IdempotencyRecord? PendingKey { get; set; }

    /// <summary>When the contract must be woken to auto-release (stored with the state; set on every write).</summary>
    [Id(4)] public DateTimeOffset? WakeAt { get; set; }

    /// <summary>When the open transfer was decided: its outcome is stamped with this time, so finishing it again gives the same state.</summary>
    [Id(5)] public DateTimeOffset? TransferDecidedAt { get; set; }

    /// <summary>Set when the books disagree: the contract takes no more commands until the platform has looked.</summary>
    [Id(6)] public ContractHalt? Halt { get; set; }

    /// <summary>How many of the contract's events are stored (in the outbox with the state that holds them).</summary>
    [field: NonSerialized]
    private long StoredEvents { get; set; }

    public IReadOnlyList<OutboxEvent> Unwritten(GrainId grain) =>
        Contract.Events.Count == StoredEvents ? [] : [.. Contract.Events.Skip((int)StoredEvents).Select(e => FeedEvents.Contract(Contract, e))];

    /// <summary>The status the parties' "My Jobs" lines hold (stored with the state that has it); null: none stored.</summary>
    [field: NonSerialized]
    private ContractStatus? ListedStatus { get; set; }

    /// <summary>The parties' "My Jobs" lines differ from the contract: its next write stores them.</summary>
    public bool ListingChanged => Contract.Exists && ListedStatus != Contract.Status;

    public IReadOnlyList<JobListing> Unlisted() =>
        ListingChanged ? [new(Contract.ClientId, Contract.ToSummary(PartyRole.Client)), new(Contract.FreelancerId, Contract.ToSummary(PartyRole.Freelancer))] : [];

    public void Loaded()
    {
        StoredEvents = Contract.Events.Count;
        ListedStatus = Contract.Exists ? Contract.Status : null;
    }

    public void Listed(IReadOnlyList<JobListing> lines) => ListedStatus = lines[^1].Summary.Status;

    public void Written(IReadOnlyList<OutboxEvent> events) => StoredEvents = Math.Max(StoredEvents, events.Max(e => e.Seq));

    /// <summary>Answers remembered since the state was read or written: stored by its next write (null: none; most activations remember none).</summary>
    [NonSerialized]
    private List<StoredAnswer>? unwrittenAnswers;

    /// <summary>Keys forgotten since the state was read or written: their answers are deleted by its next write.</summary>
    [NonSerialized]
    private List<string>? forgottenKeys;

    public IdempotencyRecord? FindKey(string key) => Keys.Find(k => k.Key == key);

    /// <summary>
    /// Remembers a command's key; its answer, if it succeeded, is stored once beside the state (<see cref="IAnswerSource"/>).
    /// Keys beyond <see cref="MinIdempotencyKeys"/> older than <see cref="KeyRetention"/> are forgotten, their answers deleted.
    /// </summary>
    public void RememberKey(IdempotencyRecord record, ContractResult? answer = null)
    {
        Keys.Add(record with { Result = null });
        if (answer is not null)
        {
            (unwrittenAnswers ??= []).Add(new StoredAnswer(record.Key, answer));
        }

        var cutoff = record.At - KeyRetention;
        while (Keys.Count > MinIdempotencyKeys && Keys[0].At < cutoff)
        {
            (forgottenKeys ??= []).Add(Keys[0].Key);
            Keys.RemoveAt(0);
        }
    }

    /// <summary>The answer of a key remembered since the last write (not stored yet), or null.</summary>
    public ContractResult? UnwrittenAnswer(string key) => unwrittenAnswers?.FindLast(a => a.Key == key)?.Result;

    public (IReadOnlyList<StoredAnswer> Remembered, IReadOnlyList<string> Forgotten) UnwrittenAnswers() =>
        (unwrittenAnswers is { Count: > 0 } ? [.. unwrittenAnswers] : [], forgottenKeys is { Count: > 0 } ? [.. forgottenKeys] : []);

    public void AnswersWritten(IReadOnlyList<StoredAnswer> remembered, IReadOnlyList<string> forgotten)
    {
        unwrittenAnswers?.RemoveAll(remembered.Contains);
        forgottenKeys?.RemoveAll(forgotten.Contains);
    }
}
