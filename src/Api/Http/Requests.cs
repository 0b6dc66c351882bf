using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using System.Xml;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Api.Http;

// Request bodies. Fields are nullable so that a missing one is reported by name (400 validation_failed by the
// built-in validation, from the [Required] marks, which the OpenAPI document shows too), not as a binding
// failure; a blank string is present (the domain's rules name it, e.g. title_required). Unknown fields are refused
// by the JSON options.

public sealed record MilestoneRequest([property: Required(AllowEmptyStrings = true)] string? Description, [property: Required] DateOnly? DueDate, [property: Required] long? Amount);

public sealed record CreateContractRequest(
    [property: Required(AllowEmptyStrings = true)] string? FreelancerId, [property: Required(AllowEmptyStrings = true)] string? Title, [property: Required(AllowEmptyStrings = true)] string? Currency,
    [property: Required] IReadOnlyList<MilestoneRequest?>? Milestones) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => RequiredFields.OfNullItems(Milestones, nameof(Milestones));
}

public sealed record AddMilestoneRequest(
    [property: Required(AllowEmptyStrings = true)] string? Description, [property: Required] DateOnly? DueDate, [property: Required] long? Amount, int? Position, string? Message);

public sealed record EditMilestoneRequest(string? Description, DateOnly? DueDate, long? Amount, int? Position, string? Message);

public sealed record AcceptTermsRequest([property: Required] int? TermsVersion);

/// <summary>An optional note (decline, withdraw, change request decisions).</summary>
public sealed record MessageRequest(string? Message);

/// <summary>Approve's optional body: release <c>amount</c> (at most the milestone's; default all of it).</summary>
public sealed record ApproveRequest(long? Amount, string? Message);

public sealed record RequestChangesRequest([property: Required(AllowEmptyStrings = true)] string? Message);

public sealed record EndContractRequest([property: Required] HeldFunds? HeldFunds, string? Message);

public sealed record SubmitWorkRequest([property: Required(AllowEmptyStrings = true)] string? Message, IReadOnlyList<string>? Links);

public sealed record ChangeOperationRequest(
    [property: Required] ChangeOperationKind? Op, string? MilestoneId, string? Description, DateOnly? DueDate, long? Amount, int? Position);

public sealed record ChangeRequestRequest([property: Required(AllowEmptyStrings = true)] string? Message, [property: Required] IReadOnlyList<ChangeOperationRequest?>? Operations)
    : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => RequiredFields.OfNullItems(Operations, nameof(Operations));
}

public sealed record DepositRequest([property: Required] long? Amount, [property: Required(AllowEmptyStrings = true)] string? Currency, [property: Required(AllowEmptyStrings = true)] string? Reference);

/// <summary><c>userId</c> is checked by the id rule (400 <c>userId_required</c> when missing), so its route skips the built-in validation.</summary>
public sealed record DevTokenRequest([property: Required(AllowEmptyStrings = true)] string? UserId, bool Platform = false);

public sealed record TokenResponse(string Token);

/// <summary><c>advanceBy</c>: how far to move the sandbox's clock, an ISO 8601 duration without years or months (their length varies).</summary>
public sealed partial record SandboxClockRequest([property: Required(AllowEmptyStrings = true)] string? AdvanceBy)
{
    public static readonly TimeSpan MaxAdvance = TimeSpan.FromDays(366);

    public bool TryReadAdvance(out TimeSpan by)
    {
        by = default;
        return AdvanceBy is not null && Duration().IsMatch(AdvanceBy)
            && (by = XmlConvert.ToTimeSpan(AdvanceBy)) > TimeSpan.Zero && by <= MaxAdvance;
    }

    [GeneratedRegex(@"^P(?=\d|T\d)(\d{1,3}D)?(T(?=\d)(\d{1,4}H)?(\d{1,6}M)?(\d{1,8}(\.\d{1,7})?S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();
}

/// <summary>The product's time and how far the sandbox has moved it ahead of real time (an ISO 8601 duration).</summary>
public sealed record SandboxClockView(DateTimeOffset Now, string Offset)
{
    public static SandboxClockView Of(SandboxTime time) => new(time.Now, XmlConvert.ToString(time.Offset));
}

/// <summary>One line of an account statement.</summary>
public sealed record TransferLine(
    long Seq, string TransferId, TransferKind Kind, long Amount, string Currency, string? ContractId, string? MilestoneId,
    string? Counterparty, DateTimeOffset At, long AvailableAfter, long HeldAfter, long PendingAfter, DateTimeOffset? AvailableAt)
{
    public static TransferLine From(LedgerEntry e) => new(
        e.Seq, e.Order.TransferId, e.Order.Kind, e.Order.Amount.Amount, e.Order.Amount.Currency, e.Order.ContractId,
        e.Order.MilestoneId, e.Order.Counterparty, e.At, e.AvailableAfter, e.HeldAfter, e.PendingAfter, e.Order.AvailableAt);
}

/// <summary>A bonus or a refund after release: an amount in minor units and an optional message.</summary>
public sealed record MoneyRequest([property: Required] long? Amount, string? Message);

public sealed record PayoutRequestBody([property: Required] long? Amount, [property: Required(AllowEmptyStrings = true)] string? Currency);

public sealed record CompletePayoutRequest([property: Required(AllowEmptyStrings = true)] string? Reference);

public sealed record FailPayoutRequest([property: Required(AllowEmptyStrings = true)] string? Reason);

/// <summary>The platform's fee balances, one per currency that has a fee account.</summary>
public sealed record FeeBalances(IReadOnlyList<BalanceView> Balances);

public sealed record TransferLinePage(IReadOnlyList<TransferLine> Transfers, long? NextAfter);

/// <summary>A webhook endpoint to create: its target, the event types it wants (all when absent) and a note.</summary>
public sealed record WebhookRequest([property: Required(AllowEmptyStrings = true)] string? Url, IReadOnlyList<string>? Types, string? Description);

/// <summary>Replay from a feed cursor (a <c>nextCursor</c>, or <c>"0"</c> for everything kept).</summary>
public sealed record ReplayRequest([property: Required(AllowEmptyStrings = true)] string? After);
