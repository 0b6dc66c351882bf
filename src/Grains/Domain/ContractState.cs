namespace Milestones.Domain;

/// <summary>The stored state of one contract. Behaviour lives in <see cref="Contract"/>.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Alias("ms.ContractState")]
public sealed class ContractState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public bool Exists { get; set; }
    [Id(2)] public string Title { get; set; } = "";
    [Id(3)] public string ClientId { get; set; } = "";
    [Id(4)] public string FreelancerId { get; set; } = "";
    [Id(5)] public string Currency { get; set; } = "";
    [Id(6)] public ContractStatus Status { get; set; }
    [Id(7)] public int TermsVersion { get; set; }
    [Id(8)] public bool ClientAccepted { get; set; }
    [Id(9)] public bool FreelancerAccepted { get; set; }
    [Id(10)] public List<MilestoneState> Milestones { get; set; } = [];
    [Id(11)] public int NextMilestoneNumber { get; set; } = 1;
    [Id(12)] public List<ChangeRequestState> ChangeRequests { get; set; } = [];
    /// <summary>
    /// The events recorded since the state was read: the log itself lives once, in the store's outbox, written with
    /// the state that records each event (see <c>IEventSource</c>); never stored in the state's row.
    /// </summary>
    [field: NonSerialized]
    public List<ContractEvent> Events { get; set; } = [];

    /// <summary>The events an earlier build kept in the state's row (the outbox may have lost them to the feed's retention): kept there.</summary>
    [Id(13)] public List<ContractEvent> RowEvents { get; set; } = [];

    /// <summary>How many events the contract has recorded: the last one's <see cref="ContractEvent.Seq"/>.</summary>
    [Id(24)] public long EventCount { get; set; }

    /// <summary>The last event's hash, the head of the audit chain the next event links to (null before the first).</summary>
    [Id(25)] public string? LastHash { get; set; }
    [Id(14)] public TransferIntent? OpenTransfer { get; set; }

    /// <summary>Bumped by every visible change; the API's ETag.</summary>
    [Id(15)] public long Version { get; set; }
    [Id(16)] public DateTimeOffset CreatedAt { get; set; }
    [Id(17)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(18)] public long Funded { get; set; }
    [Id(19)] public long Released { get; set; }
    /// <summary>Returned to the client: refunded holds and what a partial release did not release.</summary>
    [Id(20)] public long Refunded { get; set; }

    /// <summary>The fee schedule pinned when the contract became active (null before).</summary>
    [Id(21)] public FeeSchedule? Fees { get; set; }

    /// <summary>Bonuses the client paid, in order (the shared empty list until the first: most contracts have none).</summary>
    [Id(22)] public IReadOnlyList<Payment> Bonuses { get; set; } = [];

    /// <summary>Money the freelancer returned after release, in order (shared empty until the first).</summary>
    [Id(23)] public IReadOnlyList<Payment> Refunds { get; set; } = [];
}

/// <summary>
/// A bonus or a refund after release: its id (<c>b1</c>, <c>r1</c>, …), amount, who made it and when, and the service
/// fee it charged (a bonus) or returned (a refund).
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.Payment")]
public sealed record Payment(
    [property: Id(0)] string Id,
    [property: Id(1)] long Amount,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Actor,
    [property: Id(4)] string? Message,
    [property: Id(5)] long ServiceFee);
