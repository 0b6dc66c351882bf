using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

internal static class ContractViews
{
    public static ContractView ToView(this Contract contract)
    {
        var s = contract.State;
        var acceptedBy = new List<string>(2);
        if (s.ClientAccepted)
        {
            acceptedBy.Add(s.ClientId);
        }

        if (s.FreelancerAccepted)
        {
            acceptedBy.Add(s.FreelancerId);
        }

        return new ContractView(
            s.Id, s.Title, s.ClientId, s.FreelancerId, s.Currency, s.Status, s.TermsVersion, acceptedBy, contract.Price,
            s.Milestones.Select((m, i) => new MilestoneView(
                m.Id, i + 1, m.Description, m.DueDate, m.Amount, m.Status, m.FundedAt, m.SubmittedAt, m.AutoReleaseAt,
                m.ReleasedAt, m.RefundedAt, m.SubmissionMessage, m.SubmissionLinks.ToArray(), m.ReleasedAmount)).ToList(),
            s.Funded, s.Released, s.Refunded, s.Version, s.CreatedAt, s.UpdatedAt,
            s.ChangeRequests.Select(r => new ChangeRequestView(
                r.Id, r.Status, r.Message, r.Operations.ToArray(), r.CreatedAt, r.DecidedAt, r.DecisionMessage)).ToList(),
            contract.Fees, s.Bonuses.ToArray(), s.Refunds.ToArray());
    }

    public static ContractSummary ToSummary(this ContractState s, PartyRole role) =>
        new(s.Id, role, s.Title, s.Status, s.CreatedAt, s.Version);
}
