namespace Milestones.Baseline.Http;

// Request bodies, as the Milestones API takes them. Fields are nullable so a missing one is reported by name.

internal sealed record DevTokenRequest(string? UserId, bool Platform = false);

internal sealed record DepositRequest(long? Amount, string? Currency, string? Reference);

internal sealed record MilestoneRequest(string? Description, DateOnly? DueDate, long? Amount);

internal sealed record CreateContractRequest(string? FreelancerId, string? Title, string? Currency, IReadOnlyList<MilestoneRequest?>? Milestones);

internal sealed record AcceptTermsRequest(int? TermsVersion);

internal sealed record SubmitWorkRequest(string? Message, IReadOnlyList<string>? Links);
