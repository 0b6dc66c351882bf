using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// The reference for <see cref="ModelBasedTests"/>: two parties, a few active contracts sharing their accounts, and
/// the rules of funding, review, ending and money, written as plainly as possible. Time comes first: a milestone whose
/// review period has ended is released before anything else happens to its contract. Funding holds the milestone and
/// the client's fee on it; a release of part or all of it pays the freelancer that part less the service fee (pending
/// for the security period), charges each fee on that part, and returns the rest of the hold to the client.
/// Money after release: a bonus (the client pays it with its fee from available; the freelancer gets it less the service
/// fee, pending), a refund (at most what the releases of the last 180 days leave, each earlier refund taken from the
/// releases in its own window, oldest first; the freelancer pays it less the service fee it returns, from pending, the
/// latest due first, then available; the client gets all of it), and payouts (available → paying out → paid out, or
/// back on a failure or once its 7 days have passed).
/// </summary>
internal sealed class ContractModel
{
    public const int ServiceFeeBps = 1_000;
    public const int ClientFeeBps = 300;
    public static readonly TimeSpan SecurityPeriod = TimeSpan.FromDays(5);
    public static readonly TimeSpan RefundWindow = TimeSpan.FromDays(180);
    public static readonly TimeSpan PayoutTimeout = TimeSpan.FromDays(7);

    /// <summary><paramref name="bps"/> basis points of <paramref name="amount"/>, to the cent, half away from zero.</summary>
    public static long Fee(long amount, int bps) => (long)Math.Round(amount * bps / 10_000m, MidpointRounding.AwayFromZero);

    public sealed class Milestone(long amount)
    {
        public long Amount { get; } = amount;
        public long Hold => Amount + Fee(Amount, ClientFeeBps);
        public MilestoneStatus Status { get; set; } = MilestoneStatus.Pending;
        public DateTimeOffset? AutoReleaseAt { get; set; }
        public long? Released { get; set; }
        public DateTimeOffset? ReleasedAt { get; set; }
    }

    /// <summary>A bonus (its service and client fee) or a refund (the service fee it returned).</summary>
    public sealed record Payment(long Amount, DateTimeOffset At, long ServiceFee, long ClientFee);

    public sealed class Credit(long amount, DateTimeOffset availableAt)
    {
        public long Amount { get; set; } = amount;
        public DateTimeOffset AvailableAt { get; } = availableAt;
    }

    public sealed class Payout(bool freelancer, long amount, DateTimeOffset expiresAt)
    {
        public bool Freelancer { get; } = freelancer;
        public long Amount { get; } = amount;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public PayoutStatus Status { get; set; } = PayoutStatus.Pending;
        public string? Id { get; set; }
    }

    public sealed class Contract(IEnumerable<long> amounts)
    {
        public ContractStatus Status { get; set; } = ContractStatus.Active;
        public List<Milestone> Milestones { get; } = amounts.Select(a => new Milestone(a)).ToList();
        public long Funded { get; set; }
        public long Released { get; set; }
        public long Refunded { get; set; }
        public List<Payment> Bonuses { get; } = [];
        public List<Payment> Refunds { get; } = [];

        /// <summary>The fee account's lines for this contract: service fees credited, client fees credited, service fees returned.</summary>
        public long ServiceFees { get; set; }
        public long ClientFees { get; set; }
        public long ServiceFeesReturned { get; set; }

        /// <summary>What may be refunded at <paramref name="now"/> (as <c>Contract.Refundable</c> says it, written out again).</summary>
        public long Refundable(DateTimeOffset now)
        {
            var releases = Milestones.Where(m => m.Released > 0).OrderBy(m => m.ReleasedAt)
                .Select(m => (At: m.ReleasedAt!.Value, Left: m.Released!.Value)).ToArray();
            foreach (var refund in Refunds)
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
    }

    public long ClientAvailable { get; set; }
    public long ClientHeld { get; set; }

    /// <summary>What each release or bonus paid the freelancer (less what refunds took of it while pending), and when it leaves the security period.</summary>
    public List<Credit> FreelancerCredits { get; } = [];

    /// <summary>The freelancer's available balance beyond its matured credits: what refunds and payouts took of it (negative) or gave back.</summary>
    public long FreelancerAdjust { get; set; }

    public List<Payout> Payouts { get; } = [];

    /// <summary>Why the last command was refused, where the model says it (null: accepted, or not said).</summary>
    public string? Refusal { get; private set; }

    public long ServiceFees => Contracts.Sum(c => c.ServiceFees);
    public long ClientFees => Contracts.Sum(c => c.ClientFees);
    public List<Contract> Contracts { get; } = [];

    public long FreelancerAvailable(DateTimeOffset now) => FreelancerCredits.Where(c => c.AvailableAt <= now).Sum(c => c.Amount) + FreelancerAdjust;

    public long FreelancerPending(DateTimeOffset now) => FreelancerCredits.Where(c => c.AvailableAt > now).Sum(c => c.Amount);

    public long PayingOut(bool freelancer) => Payouts.Where(p => p.Freelancer == freelancer && p.Status == PayoutStatus.Pending).Sum(p => p.Amount);

    public long PaidOut(bool freelancer) => Payouts.Where(p => p.Freelancer == freelancer && p.Status == PayoutStatus.Completed).Sum(p => p.Amount);

    /// <summary>Time first on the accounts: every pending payout whose expiry has come is voided, its money available again.</summary>
    public void VoidExpired(DateTimeOffset now)
    {
        foreach (var payout in Payouts.Where(p => p.Status == PayoutStatus.Pending && p.ExpiresAt <= now))
        {
            payout.Status = PayoutStatus.Voided;
            Give(payout.Freelancer, payout.Amount);
        }
    }

    private void Give(bool freelancer, long amount)
    {
        if (freelancer)
        {
            FreelancerAdjust += amount;
        }
        else
        {
            ClientAvailable += amount;
        }
    }

    /// <summary>A payout of <paramref name="amount"/> asked by one party; null if accepted, else the refusal.</summary>
    public Payout? RequestPayout(bool freelancer, long amount, DateTimeOffset now)
    {
        VoidExpired(now);
        if ((freelancer ? FreelancerAvailable(now) : ClientAvailable) < amount)
        {
            Refusal = "insufficient_funds";
            return null;
        }

        Refusal = null;
        Give(freelancer, -amount);
        var payout = new Payout(freelancer, amount, now + PayoutTimeout);
        Payouts.Add(payout);
        return payout;
    }

    /// <summary>The platform's outcome for a payout: accepted only while it is pending.</summary>
    public bool ClosePayout(Payout payout, PayoutStatus outcome, DateTimeOffset now)
    {
        VoidExpired(now);
        if (payout.Status != PayoutStatus.Pending)
        {
            Refusal = "payout_not_pending";
            return false;
        }

        Refusal = null;
        payout.Status = outcome;
        if (outcome == PayoutStatus.Failed)
        {
            Give(payout.Freelancer, payout.Amount);
        }

        return true;
    }

    /// <summary>
    /// Applies a command once; true when it succeeds (a rejection changes nothing). An approval releases
    /// <paramref name="amount"/> of the milestone, or all of it.
    /// </summary>
    public bool Apply(int index, ModelOp op, int m, long? amount, DateTimeOffset now, TimeSpan reviewPeriod)
    {
        var c = Contracts[index];
        ReleaseDue(c, now);
        VoidExpired(now);
        Refusal = null;
        if (op is ModelOp.Bonus or ModelOp.Refund)
        {
            return amount is { } paid && (op == ModelOp.Bonus ? PayBonus(c, paid, now) : IssueRefund(c, paid, now));
        }

        if (c.Status != ContractStatus.Active)
        {
            return false;
        }

        var milestone = c.Milestones[m];
        switch (op)
        {
            case ModelOp.Fund:
                if (milestone.Status != MilestoneStatus.Pending
                    || c.Milestones.Take(m).Any(x => x.Status != MilestoneStatus.Released)
                    || ClientAvailable < milestone.Hold)
                {
                    return false;
                }

                ClientAvailable -= milestone.Hold;
                ClientHeld += milestone.Hold;
                c.Funded += milestone.Amount;
                milestone.Status = MilestoneStatus.Funded;
                return true;
            case ModelOp.Submit when milestone.Status == MilestoneStatus.Funded:
                milestone.Status = MilestoneStatus.Submitted;
                milestone.AutoReleaseAt = now + reviewPeriod;
                return true;
            case ModelOp.Approve when milestone.Status == MilestoneStatus.Submitted:
                Release(c, milestone, amount ?? milestone.Amount, now);
                return true;
            case ModelOp.RequestChanges when milestone.Status == MilestoneStatus.Submitted:
                milestone.Status = MilestoneStatus.Funded;
                milestone.AutoReleaseAt = null;
                return true;
            case ModelOp.EndRefund or ModelOp.EndRelease:
                var held = c.Milestones.Find(x => x.Status.HoldsFunds());
                if (held is not null && op == ModelOp.EndRefund)
                {
                    ClientHeld -= held.Hold;
                    ClientAvailable += held.Hold;
                    c.Refunded += held.Amount;
                    held.Status = MilestoneStatus.Refunded;
                    held.AutoReleaseAt = null;
                }
                else if (held is not null)
                {
                    Release(c, held, held.Amount, now);
                }

                foreach (var pending in c.Milestones.Where(x => x.Status == MilestoneStatus.Pending))
                {
                    pending.Status = MilestoneStatus.Cancelled;
                }

                c.Status = ContractStatus.Ended;
                return true;
            default:
                return false;
        }
    }

    private bool PayBonus(Contract c, long amount, DateTimeOffset now)
    {
        var (serviceFee, clientFee) = (Fee(amount, ServiceFeeBps), Fee(amount, ClientFeeBps));
        if (ClientAvailable < amount + clientFee)
        {
            Refusal = "insufficient_funds";
            return false;
        }

        ClientAvailable -= amount + clientFee;
        FreelancerCredits.Add(new Credit(amount - serviceFee, now + SecurityPeriod));
        c.ServiceFees += serviceFee;
        c.ClientFees += clientFee;
        c.Bonuses.Add(new Payment(amount, now, serviceFee, clientFee));
        return true;
    }

    private bool IssueRefund(Contract c, long amount, DateTimeOffset now)
    {
        if (amount > c.Refundable(now))
        {
            Refusal = "refund_exceeds_released";
            return false;
        }

        var returned = Math.Min(Fee(amount, ServiceFeeBps),
            c.Milestones.Sum(m => m.Released is { } r ? Fee(r, ServiceFeeBps) : 0) - c.Refunds.Sum(r => r.ServiceFee));
        var owed = amount - returned;
        if (FreelancerPending(now) + FreelancerAvailable(now) < owed)
        {
            Refusal = "insufficient_funds";
            return false;
        }

        // From pending first, the credit due latest first; then from available.
        foreach (var credit in FreelancerCredits.Where(x => x.AvailableAt > now).OrderByDescending(x => x.AvailableAt).ToList())
        {
            var take = Math.Min(credit.Amount, owed);
            credit.Amount -= take;
            owed -= take;
        }

        FreelancerAdjust -= owed;
        ClientAvailable += amount;
        c.ServiceFeesReturned += returned;
        c.Refunds.Add(new Payment(amount, now, returned, 0));
        return true;
    }

    /// <summary>Every review period that has ended by <paramref name="now"/>, released (as a wake-up or a read of each contract does).</summary>
    public void ReleaseAllDue(DateTimeOffset now)
    {
        Contracts.ForEach(c => ReleaseDue(c, now));
        VoidExpired(now);
    }

    private void ReleaseDue(Contract c, DateTimeOffset now)
    {
        if (c.Status == ContractStatus.Active && c.Milestones.Find(x => x.Status == MilestoneStatus.Submitted && x.AutoReleaseAt <= now) is { } due)
        {
            Release(c, due, due.Amount, now);
        }
    }

    private void Release(Contract c, Milestone milestone, long released, DateTimeOffset now)
    {
        var serviceFee = Fee(released, ServiceFeeBps);
        var clientFee = Fee(released, ClientFeeBps);
        ClientHeld -= milestone.Hold;
        ClientAvailable += milestone.Amount - released + Fee(milestone.Amount, ClientFeeBps) - clientFee;
        FreelancerCredits.Add(new Credit(released - serviceFee, now + SecurityPeriod));
        c.ServiceFees += serviceFee;
        c.ClientFees += clientFee;
        c.Released += released;
        c.Refunded += milestone.Amount - released;
        milestone.Released = released;
        milestone.ReleasedAt = now;
        milestone.Status = MilestoneStatus.Released;
        milestone.AutoReleaseAt = null;
        if (c.Status == ContractStatus.Active && c.Milestones.All(x => x.Status == MilestoneStatus.Released))
        {
            c.Status = ContractStatus.Completed;
        }
    }
}

public enum ModelOp
{
    Fund,
    Submit,
    Approve,
    RequestChanges,
    EndRefund,
    EndRelease,
    Deposit,
    Wait,

    /// <summary>The client pays a bonus on the contract (any status but a draft's).</summary>
    Bonus,

    /// <summary>The freelancer returns money the contract's releases paid it.</summary>
    Refund,

    /// <summary>One party asks a payout of its available balance (an account command; no contract).</summary>
    Payout,

    /// <summary>The platform completes or fails one of the payouts asked so far (pending or not).</summary>
    ClosePayout,

    /// <summary>
    /// One party's account gets more keyed payout requests than the fewest keys kept (each refused: one cent beyond
    /// what is available), then every earlier payout whose key the rule still keeps is retried with its key.
    /// </summary>
    KeyBurst,

    /// <summary>Time passes by some hours up to 200 days (past security periods, payout expiries, refund windows), then a scan.</summary>
    Pass,

    /// <summary>The next command the contract's current milestone waits for (see <see cref="ModelBasedTests"/>).</summary>
    Progress,
}

/// <summary>Where a step's first attempt fails: storage, a wake-up just before it, an account call before or after it applies, or a lost activation.</summary>
public enum ModelFault
{
    None,
    WriteFails,
    WakeFails,
    AccountFailsBefore,
    AccountFailsAfter,
    Deactivated,

    /// <summary>The fee account's next state write fails (a bonus's or a release's fee credit, a refund's second source).</summary>
    FeeWriteFails,
}
