using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// The reference for <see cref="ModelBasedTests"/>: two parties, a few active contracts sharing their accounts, and
/// the rules of funding, review, ending and money, written as plainly as possible. Time comes first: a milestone whose
/// review period has ended is released before anything else happens to its contract. Funding holds the milestone and
/// the client's fee on it; a release of part or all of it pays the freelancer that part less the service fee (pending
/// for the security period), charges each fee on that part, and returns the rest of the hold to the client.
/// </summary>
internal sealed class ContractModel
{
    public const int ServiceFeeBps = 1_000;
    public const int ClientFeeBps = 300;
    public static readonly TimeSpan SecurityPeriod = TimeSpan.FromDays(5);

    /// <summary><paramref name="bps"/> basis points of <paramref name="amount"/>, to the cent, half away from zero.</summary>
    public static long Fee(long amount, int bps) => (long)Math.Round(amount * bps / 10_000m, MidpointRounding.AwayFromZero);

    public sealed class Milestone(long amount)
    {
        public long Amount { get; } = amount;
        public long Hold => Amount + Fee(Amount, ClientFeeBps);
        public MilestoneStatus Status { get; set; } = MilestoneStatus.Pending;
        public DateTimeOffset? AutoReleaseAt { get; set; }
        public long? Released { get; set; }
    }

    public sealed class Contract(IEnumerable<long> amounts)
    {
        public ContractStatus Status { get; set; } = ContractStatus.Active;
        public List<Milestone> Milestones { get; } = amounts.Select(a => new Milestone(a)).ToList();
        public long Funded { get; set; }
        public long Released { get; set; }
        public long Refunded { get; set; }
    }

    public long ClientAvailable { get; set; }
    public long ClientHeld { get; set; }

    /// <summary>What each release paid the freelancer, and when it leaves the security period.</summary>
    public List<(long Amount, DateTimeOffset AvailableAt)> FreelancerCredits { get; } = [];

    public long ServiceFees { get; private set; }
    public long ClientFees { get; private set; }
    public List<Contract> Contracts { get; } = [];

    public long FreelancerAvailable(DateTimeOffset now) => FreelancerCredits.Where(c => c.AvailableAt <= now).Sum(c => c.Amount);

    public long FreelancerPending(DateTimeOffset now) => FreelancerCredits.Where(c => c.AvailableAt > now).Sum(c => c.Amount);

    /// <summary>
    /// Applies a command once; true when it succeeds (a rejection changes nothing). An approval releases
    /// <paramref name="amount"/> of the milestone, or all of it.
    /// </summary>
    public bool Apply(int index, ModelOp op, int m, long? amount, DateTimeOffset now, TimeSpan reviewPeriod)
    {
        var c = Contracts[index];
        ReleaseDue(c, now);
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

    /// <summary>Every review period that has ended by <paramref name="now"/>, released (as a wake-up or a read of each contract does).</summary>
    public void ReleaseAllDue(DateTimeOffset now) => Contracts.ForEach(c => ReleaseDue(c, now));

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
        FreelancerCredits.Add((released - serviceFee, now + SecurityPeriod));
        ServiceFees += serviceFee;
        ClientFees += clientFee;
        c.Released += released;
        c.Refunded += milestone.Amount - released;
        milestone.Released = released;
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
}
