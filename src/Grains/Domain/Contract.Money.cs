using Milestones.Contracts;

namespace Milestones.Domain;

// Money: the fees a contract charges, bonuses and refunds after release, and the account orders that carry out each
// transfer it decides.
public sealed partial class Contract
{
    /// <summary>How long after a release the freelancer may still return its money.</summary>
    public static readonly TimeSpan RefundWindow = TimeSpan.FromDays(180);

    /// <summary>
    /// The schedule pinned when the contract became active; in a draft, the one it would pin now; none for a contract
    /// that became active before schedules were pinned (its holds were made without a fee).
    /// </summary>
    public FeeSchedule Fees => state.Fees ?? (state.Status == ContractStatus.Draft ? rules.Fees : FeeSchedule.None);

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

    /// <summary>The client pays the freelancer a bonus from its available balance, with the fees of a release.</summary>
    public Error? PayBonus(Caller caller, PayMoney command, DateTimeOffset now)
    {
        var error = Authorize(caller, "pay a bonus", PartyRole.Client)
            ?? RequireStatus(ContractCommand.PayBonus)
            ?? Validate.All(Validate.Amount(command.Amount, rules), Validate.Text(command.Message, "message", Validate.MaxMessageLength, required: false));
        return error ?? Intend(TransferPurpose.Bonus, $"b{state.Bonuses.Count + 1}", command.Amount, caller.Actor, command.Message, now);
    }

    /// <summary>
    /// The freelancer returns money a release paid it, within <see cref="RefundWindow"/> of that release and
    /// cumulatively never more than was released (<see cref="Refundable"/>). The service fee on it comes back from the
    /// fee account.
    /// </summary>
    public Error? IssueRefund(Caller caller, PayMoney command, DateTimeOffset now)
    {
        var error = Authorize(caller, "refund the client", PartyRole.Freelancer)
            ?? RequireStatus(ContractCommand.IssueRefund)
            ?? Validate.All(Validate.Amount(command.Amount, rules), Validate.Text(command.Message, "message", Validate.MaxMessageLength, required: false));
        if (error is not null)
        {
            return error;
        }

        var refundable = Refundable(now);
        return command.Amount > refundable
            ? Errors.RefundTooLarge(refundable)
            : Intend(TransferPurpose.Refund, $"r{state.Refunds.Count + 1}", command.Amount, caller.Actor, command.Message, now);
    }

    /// <summary>
    /// What may be refunded at <paramref name="now"/>: what is left of the releases of the last <see cref="RefundWindow"/>
    /// once each earlier refund is taken from the releases that were in its own window, the oldest first (so the
    /// money that leaves the window soonest is used first, and every refund stays attributable to a release).
    /// </summary>
    public long Refundable(DateTimeOffset now)
    {
        var releases = state.Milestones.Where(m => m.ReleasedAmount > 0).OrderBy(m => m.ReleasedAt)
            .Select(m => (At: m.ReleasedAt!.Value, Left: m.ReleasedAmount!.Value)).ToArray();
        foreach (var refund in state.Refunds)
        {
            var left = refund.Amount;
            for (var i = 0; i < releases.Length && left > 0; i++)
            {
                if (releases[i].At > refund.At - RefundWindow)
                {
                    var take = Math.Min(left, releases[i].Left);
                    releases[i].Left -= take;
                    left -= take;
                }
            }
        }

        return releases.Where(r => r.At > now - RefundWindow).Sum(r => r.Left);
    }

    /// <summary>The service fee a refund of <paramref name="amount"/> returns: the fee on it, never more than the releases' fees not yet returned.</summary>
    private long ServiceFeeReturned(long amount) =>
        Math.Min(Fees.ServiceFee(amount),
            state.Milestones.Sum(m => m.ReleasedAmount is { } r ? Fees.ServiceFee(r) : 0) - state.Refunds.Sum(r => r.ServiceFee));

    private void PaymentApplied(TransferIntent intent, DateTimeOffset now)
    {
        if (intent.Purpose == TransferPurpose.Bonus)
        {
            var serviceFee = Fees.ServiceFee(intent.Amount);
            var clientFee = Fees.ClientFee(intent.Amount);
            state.Bonuses = [.. state.Bonuses, new Payment(intent.Subject, intent.Amount, now, intent.Actor, intent.Message, serviceFee)];
            Record(now, intent.Actor, "bonus.paid", intent.Message, ("bonusId", intent.Subject), ("amount", Str(intent.Amount)),
                ("freelancerNet", Str(intent.Amount - serviceFee)), ("serviceFee", Str(serviceFee)), ("clientFee", Str(clientFee)),
                ("availableAt", intent.AvailableAt!.Value.ToString("O")));
            RecordFees(now, ("bonusId", intent.Subject), intent.TransferId, serviceFee, clientFee);
        }
        else
        {
            var returned = ServiceFeeReturned(intent.Amount);
            state.Refunds = [.. state.Refunds, new Payment(intent.Subject, intent.Amount, now, intent.Actor, intent.Message, returned)];
            Record(now, intent.Actor, "refund.issued", intent.Message, ("refundId", intent.Subject), ("amount", Str(intent.Amount)),
                ("serviceFeeReturned", Str(returned)));
        }
    }

    /// <summary>The <c>fee.charged</c> event of a release or bonus that charged any fee.</summary>
    private void RecordFees(DateTimeOffset now, (string, string) subject, string transferId, long serviceFee, long clientFee)
    {
        if (serviceFee + clientFee > 0)
        {
            Record(now, "system", "fee.charged", null, subject, ("transferId", transferId), ("serviceFee", Str(serviceFee)), ("clientFee", Str(clientFee)));
        }
    }

    private MilestoneState MilestoneOf(TransferIntent intent) =>
        FindMilestone(intent.Subject) ?? throw new InvalidOperationException($"Milestone {intent.Subject} vanished.");

    /// <summary>
    /// The orders that carry out <paramref name="intent"/>, each with the key of the account it is for. Derived only
    /// from what is stored (the intent, the milestone, the pinned fees, the earlier bonuses and refunds), so finishing
    /// an intent again sends exactly the same orders.
    /// </summary>
    public TransferPlan Plan(TransferIntent intent)
    {
        var client = GrainKeys.User(state.ClientId);
        var freelancer = GrainKeys.User(state.FreelancerId);
        var fees = GrainKeys.FeeAccount(state.Currency);
        var id = intent.TransferId;
        TransferOrder Order(string transferId, TransferKind kind, long amount, string? counterparty, string? milestoneId) =>
            new(transferId, kind, Money(amount), state.Id, milestoneId, counterparty);

        switch (intent.Purpose)
        {
            case TransferPurpose.Fund or TransferPurpose.EndRefund:
                var kind = intent.Purpose == TransferPurpose.Fund ? TransferKind.Hold : TransferKind.Refund;
                return new([(client, Order(id, kind, HoldFor(MilestoneOf(intent)), null, intent.Subject))], []);
            case TransferPurpose.Refund:
                // The freelancer returns the amount less the service fee on it; the fee account returns that fee.
                var serviceFee = ServiceFeeReturned(intent.Amount);
                var returns = new List<(string Account, TransferOrder Order)>(2);
                var credits = new List<(string Account, TransferOrder Order)>(2);
                foreach (var (from, leg, amount) in new[] { (freelancer, id, intent.Amount - serviceFee), (fees, id + TransferIntent.ServiceFeeLeg, serviceFee) })
                {
                    if (amount > 0)
                    {
                        var credit = Order(leg, TransferKind.Credit, amount, GrainKeys.UserIdOf(from), null);
                        returns.Add((from, Order(leg, TransferKind.Debit, amount, state.ClientId, null) with { Legs = [new TransferLeg(leg, client, amount)] }));
                        credits.Add((client, credit));
                    }
                }

                return new(returns, credits);
        }

        // A release takes the milestone's hold; a bonus takes the client's balance. Both pay the same way.
        var milestone = intent.Purpose == TransferPurpose.Bonus ? null : MilestoneOf(intent);
        var paid = intent.Amount;
        var net = paid - Fees.ServiceFee(paid);
        var pays = new List<(string Account, TransferOrder Order)>(3);
        foreach (var (to, leg, amount, counterparty) in new[]
                 {
                     (freelancer, id, net, state.ClientId),
                     (fees, id + TransferIntent.ServiceFeeLeg, Fees.ServiceFee(paid), state.FreelancerId),
                     (fees, id + TransferIntent.ClientFeeLeg, Fees.ClientFee(paid), state.ClientId),
                 })
        {
            if (amount > 0)
            {
                var credit = Order(leg, TransferKind.Credit, amount, counterparty, milestone?.Id);
                pays.Add((to, to == freelancer ? credit with { AvailableAt = intent.AvailableAt } : credit));
            }
        }

        var legs = pays.Select(p => new TransferLeg(p.Order.TransferId, p.Account, p.Order.Amount.Amount)).ToList();
        var source = milestone is null
            ? Order(id, TransferKind.Debit, legs.Sum(l => l.Amount), state.FreelancerId, null) with { Legs = legs }
            : Order(id, TransferKind.Capture, HoldFor(milestone), state.FreelancerId, milestone.Id) with { Legs = legs };
        return new([(client, source)], pays);
    }

    private Money Money(long amount) => new(amount, state.Currency);
}

/// <summary>How a release splits a milestone's hold (see <see cref="Contract.Split"/>).</summary>
public readonly record struct ReleaseSplit(long Net, long ServiceFee, long ClientFee, long Returned);

/// <summary>
/// The orders of one transfer: <see cref="Sources"/> take the money, in order (only the first may be refused: a hold or
/// a debit, for want of money; any other refusal means the books disagree); then the <see cref="Credits"/> their legs
/// send, together.
/// </summary>
public sealed record TransferPlan(
    IReadOnlyList<(string Account, TransferOrder Order)> Sources,
    IReadOnlyList<(string Account, TransferOrder Order)> Credits);
