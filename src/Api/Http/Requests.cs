using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Http;

// Request bodies. Fields are nullable so a missing one is reported by name (400 validation_failed), not as
// a binding failure; unknown fields are refused by the JSON options.

public sealed record MilestoneRequest(string? Description, DateOnly? DueDate, long? Amount);

public sealed record CreateContractRequest(string? FreelancerId, string? Title, string? Currency, IReadOnlyList<MilestoneRequest?>? Milestones);

public sealed record AddMilestoneRequest(string? Description, DateOnly? DueDate, long? Amount, int? Position, string? Message);

public sealed record EditMilestoneRequest(string? Description, DateOnly? DueDate, long? Amount, int? Position, string? Message);

public sealed record AcceptTermsRequest(int? TermsVersion);

public sealed record MessageRequest(string? Message);

public sealed record EndContractRequest(HeldFunds? HeldFunds, string? Message);

public sealed record SubmitWorkRequest(string? Message, IReadOnlyList<string>? Links);

public sealed record ChangeOperationRequest(
    ChangeOperationKind? Op, string? MilestoneId, string? Description, DateOnly? DueDate, long? Amount, int? Position);

public sealed record ChangeRequestRequest(string? Message, IReadOnlyList<ChangeOperationRequest?>? Operations);

public sealed record DepositRequest(long? Amount, string? Currency, string? Reference);

public sealed record DevTokenRequest(string? UserId, bool Platform = false);

public sealed record TokenResponse(string Token);

/// <summary>One line of an account statement.</summary>
public sealed record TransferLine(
    long Seq, string TransferId, TransferKind Kind, long Amount, string Currency, string? ContractId, string? MilestoneId,
    string? Counterparty, DateTimeOffset At, long AvailableAfter, long HeldAfter)
{
    public static TransferLine From(LedgerEntry e) => new(
        e.Seq, e.Order.TransferId, e.Order.Kind, e.Order.Amount.Amount, e.Order.Amount.Currency, e.Order.ContractId,
        e.Order.MilestoneId, e.Order.Counterparty, e.At, e.AvailableAfter, e.HeldAfter);
}

public sealed record TransferLinePage(IReadOnlyList<TransferLine> Transfers, long? NextAfter);
