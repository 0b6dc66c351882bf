using Milestones.Contracts;

namespace Milestones.Domain;

// Money: the fees a contract charges, and the account orders that carry out each transfer it decides.
public sealed partial class Contract
{
    /// <summary>The schedule pinned when the contract became active; before that, the one it would pin now.</summary>
    public FeeSchedule Fees => state.Fees ?? rules.Fees;

    /// <summary>What funding a milestone holds on the client's account: its amount and the client's fee on it.</summary>
    public long HoldFor(MilestoneState milestone) => checked(milestone.Amount + Fees.ClientFee(milestone.Amount));

    /// <summary>
    /// How releasing <paramref name="released"/> of a funded milestone splits its hold: the freelancer's net (the
    /// released amount less the service fee on it), the two fees (each on the released amount, rounded on its own), and
    /// what returns to the client (the unreleased amount with its share of the client's fee).
    /// </summary>
    public ReleaseSplit Split(MilestoneState milestone, long released)
    {
        var serviceFee = Fees.ServiceFee(released);
        var clientFee = Fees.ClientFee(released);
        var net = released - serviceFee;
        return new ReleaseSplit(net, serviceFee, clientFee, HoldFor(milestone) - net - serviceFee - clientFee);
    }

    /// <summary>
    /// The orders that carry out <paramref name="intent"/>, each with the key of the account it is for: first the
    /// client's (a hold may be refused; a capture or refund may not), then the credits the capture sends (the
    /// freelancer's net, pending until the intent's <see cref="TransferIntent.AvailableAt"/>, and each fee to the
    /// platform's fee account of the contract's currency, under ids of their own). Derived only from what is stored
    /// (the intent, the milestone, the pinned fees), so finishing an intent again sends exactly the same orders.
    /// </summary>
    public IReadOnlyList<(string Account, TransferOrder Order)> Orders(TransferIntent intent)
    {
        var milestone = FindMilestone(intent.MilestoneId) ?? throw new InvalidOperationException($"Milestone {intent.MilestoneId} vanished.");
        var client = GrainKeys.User(state.ClientId);
        var held = Money(HoldFor(milestone));
        TransferOrder Order(string id, TransferKind kind, long amount, string? counterparty) =>
            new(id, kind, Money(amount), state.Id, milestone.Id, counterparty);

        switch (intent.Purpose)
        {
            case TransferPurpose.Fund:
                return [(client, new TransferOrder(intent.TransferId, TransferKind.Hold, held, state.Id, milestone.Id))];
            case TransferPurpose.EndRefund:
                return [(client, new TransferOrder(intent.TransferId, TransferKind.Refund, held, state.Id, milestone.Id))];
        }

        var split = Split(milestone, intent.Amount);
        var fees = GrainKeys.FeeAccount(state.Currency);
        var credits = new List<(string Account, TransferOrder Order)>(3);
        if (split.Net > 0)
        {
            credits.Add((GrainKeys.User(state.FreelancerId),
                Order(intent.TransferId, TransferKind.Credit, split.Net, state.ClientId) with { AvailableAt = intent.AvailableAt }));
        }

        if (split.ServiceFee > 0)
        {
            credits.Add((fees, Order(intent.TransferId + "/service-fee", TransferKind.Credit, split.ServiceFee, state.FreelancerId)));
        }

        if (split.ClientFee > 0)
        {
            credits.Add((fees, Order(intent.TransferId + "/client-fee", TransferKind.Credit, split.ClientFee, state.ClientId)));
        }

        var capture = new TransferOrder(intent.TransferId, TransferKind.Capture, held, state.Id, milestone.Id, state.FreelancerId,
            credits.Select(c => new TransferLeg(c.Order.TransferId, c.Account, c.Order.Amount.Amount)).ToList());
        return [(client, capture), .. credits];
    }

    private Money Money(long amount) => new(amount, state.Currency);
}

/// <summary>How a release splits a milestone's hold (see <see cref="Contract.Split"/>).</summary>
public readonly record struct ReleaseSplit(long Net, long ServiceFee, long ClientFee, long Returned);
