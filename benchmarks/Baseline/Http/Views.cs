using System.Text.Json.Serialization;
using Milestones.Baseline.Domain;

namespace Milestones.Baseline.Http;

// Response bodies, with the Milestones API's field names and shapes.

internal sealed record TokenResponse(string Token);

internal sealed record MilestoneView(
    string Id, int Sequence, string Description, DateOnly DueDate, long Amount, string Status,
    DateTimeOffset? FundedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? AutoReleaseAt, DateTimeOffset? ReleasedAt,
    DateTimeOffset? RefundedAt, string? SubmissionMessage, IReadOnlyList<string> SubmissionLinks);

internal sealed record ContractView(
    string Id, string Title, string ClientId, string FreelancerId, string Currency, string Status, int TermsVersion,
    IReadOnlyList<string> AcceptedBy, long Price, IReadOnlyList<MilestoneView> Milestones, long Funded, long Released,
    long Refunded, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> ChangeRequests)
{
    public static ContractView From(ContractRow c)
    {
        var acceptedBy = new List<string>(2);
        if (c.ClientAccepted)
        {
            acceptedBy.Add(c.ClientId);
        }

        if (c.FreelancerAccepted)
        {
            acceptedBy.Add(c.FreelancerId);
        }

        var milestones = new MilestoneView[c.Milestones.Count];
        for (var i = 0; i < milestones.Length; i++)
        {
            var m = c.Milestones[i];
            milestones[i] = new MilestoneView(
                m.Id, i + 1, m.Description, m.DueDate, m.Amount, m.Status, Utc(m.FundedAt), Utc(m.SubmittedAt), Utc(m.AutoReleaseAt),
                Utc(m.ReleasedAt), Utc(m.RefundedAt), m.SubmissionMessage, m.SubmissionLinks ?? []);
        }

        return new ContractView(
            c.Id, c.Title, c.ClientId, c.FreelancerId, c.Currency, c.Status, c.TermsVersion, acceptedBy, c.Price, milestones,
            c.Funded, c.Released, c.Refunded, c.Version, Utc(c.CreatedAt), Utc(c.UpdatedAt), []);
    }

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}

internal sealed record HoldView(string ContractId, string MilestoneId, long Amount, DateTimeOffset At);

internal sealed record BalanceView(string Currency, long Available, long Held, List<HoldView> Holds);

internal sealed record AccountView(string UserId, List<BalanceView> Balances);

/// <summary>RFC 9457 problem details with the stable <c>code</c> (and per-field <c>errors</c> for validation).</summary>
internal sealed record ProblemBody(
    string Type, string Title, int Status, string Detail, string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string[]>? Errors);
