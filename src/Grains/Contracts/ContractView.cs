using Milestones.Domain;

namespace Milestones.Contracts;

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.MilestoneView")]
public sealed record MilestoneView(
    [property: Id(0)] string Id,
    [property: Id(1)] int Sequence,
    [property: Id(2)] string Description,
    [property: Id(3)] DateOnly DueDate,
    [property: Id(4)] long Amount,
    [property: Id(5)] MilestoneStatus Status,
    [property: Id(6)] DateTimeOffset? FundedAt,
    [property: Id(7)] DateTimeOffset? SubmittedAt,
    [property: Id(8)] DateTimeOffset? AutoReleaseAt,
    [property: Id(9)] DateTimeOffset? ReleasedAt,
    [property: Id(10)] DateTimeOffset? RefundedAt,
    [property: Id(11)] string? SubmissionMessage,
    [property: Id(12)] IReadOnlyList<string> SubmissionLinks,
    [property: Id(13)] long? ReleasedAmount);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ChangeRequestView")]
public sealed record ChangeRequestView(
    [property: Id(0)] string Id,
    [property: Id(1)] ChangeRequestStatus Status,
    [property: Id(2)] string Message,
    [property: Id(3)] IReadOnlyList<ChangeOperation> Operations,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? DecidedAt,
    [property: Id(6)] string? DecisionMessage);

/// <summary>
/// What a party sees of a contract: terms, milestones, totals, the fee schedule (pinned when it became active; before,
/// the one it would pin now) and the version used as ETag.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractView")]
public sealed record ContractView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string ClientId,
    [property: Id(3)] string FreelancerId,
    [property: Id(4)] string Currency,
    [property: Id(5)] ContractStatus Status,
    [property: Id(6)] int TermsVersion,
    [property: Id(7)] IReadOnlyList<string> AcceptedBy,
    [property: Id(8)] long Price,
    [property: Id(9)] IReadOnlyList<MilestoneView> Milestones,
    [property: Id(10)] long Funded,
    [property: Id(11)] long Released,
    [property: Id(12)] long Refunded,
    [property: Id(13)] long Version,
    [property: Id(14)] DateTimeOffset CreatedAt,
    [property: Id(15)] DateTimeOffset UpdatedAt,
    [property: Id(16)] IReadOnlyList<ChangeRequestView> ChangeRequests,
    [property: Id(17)] FeeSchedule Fees,
    [property: Id(18)] IReadOnlyList<Payment> Bonuses,
    [property: Id(19)] IReadOnlyList<Payment> Refunds);

/// <summary>A command's result: the contract after it, and the id of anything it created (milestone, change request).</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ContractResult")]
public sealed record ContractResult([property: Id(0)] ContractView Contract, [property: Id(1)] string? CreatedId = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.EventPage")]
public sealed record EventPage([property: Id(0)] IReadOnlyList<ContractEvent> Events, [property: Id(1)] long? NextAfter);

/// <summary>
/// The check of a contract's audit chain (<see cref="AuditChain"/>): <see cref="Ok"/> when every event verifies;
/// <see cref="Events"/> counted; <see cref="Head"/> the last event's hash (null without events), which a marketplace
/// may keep to compare later; <see cref="FirstBrokenSeq"/> the position of the first event that does not verify.
/// </summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.AuditReport")]
public sealed record AuditReport(
    [property: Id(0)] bool Ok,
    [property: Id(1)] long Events,
    [property: Id(2)] string? Head,
    [property: Id(3)] long? FirstBrokenSeq);
