using Milestones.Domain;

namespace Milestones.Contracts;

// The records the contract grain's commands take. Small and related, so they share one file.

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.NewMilestone")]
public sealed record NewMilestone(
    [property: Id(0)] string Description,
    [property: Id(1)] DateOnly DueDate,
    [property: Id(2)] long Amount);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.CreateContract")]
public sealed record CreateContract(
    [property: Id(0)] string Title,
    [property: Id(1)] string FreelancerId,
    [property: Id(2)] string Currency,
    [property: Id(3)] IReadOnlyList<NewMilestone> Milestones);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.AddMilestone")]
public sealed record AddMilestone(
    [property: Id(0)] string Description,
    [property: Id(1)] DateOnly DueDate,
    [property: Id(2)] long Amount,
    [property: Id(3)] int? Position = null,
    [property: Id(4)] string? Message = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.EditMilestone")]
public sealed record EditMilestone(
    [property: Id(0)] string MilestoneId,
    [property: Id(1)] string? Description = null,
    [property: Id(2)] DateOnly? DueDate = null,
    [property: Id(3)] long? Amount = null,
    [property: Id(4)] int? Position = null,
    [property: Id(5)] string? Message = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.DeleteMilestone")]
public sealed record DeleteMilestone([property: Id(0)] string MilestoneId, [property: Id(1)] string? Message = null);

[GenerateSerializer, Alias("ms.HeldFunds")]
public enum HeldFunds
{
    Refund,
    Release,
}

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.EndContract")]
public sealed record EndContract([property: Id(0)] HeldFunds HeldFunds, [property: Id(1)] string? Message = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.SubmitWork")]
public sealed record SubmitWork(
    [property: Id(0)] string MilestoneId,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyList<string>? Links = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.RequestChanges")]
public sealed record RequestChanges([property: Id(0)] string MilestoneId, [property: Id(1)] string Message);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ProposeChange")]
public sealed record ProposeChange(
    [property: Id(0)] string Message,
    [property: Id(1)] IReadOnlyList<ChangeOperation> Operations);

/// <summary>Per-call options: an idempotency key, and the contract version the caller last saw (If-Match).</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.CommandOptions")]
public sealed record CommandOptions(
    [property: Id(0)] string? IdempotencyKey = null,
    [property: Id(1)] long? ExpectedVersion = null)
{
    public static readonly CommandOptions None = new();
}

/// <summary>A bonus the client pays, or money the freelancer returns after release.</summary>
[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.PayMoney")]
public sealed record PayMoney([property: Id(0)] long Amount, [property: Id(1)] string? Message = null);

[SuppressReferenceTracking]
[GenerateSerializer, Immutable, Alias("ms.ApproveWork")]
public sealed record ApproveWork(
    [property: Id(0)] string MilestoneId,
    [property: Id(1)] long? Amount = null,
    [property: Id(2)] string? Message = null);
