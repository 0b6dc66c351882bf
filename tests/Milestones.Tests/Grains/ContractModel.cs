using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// The reference for <see cref="ModelBasedTests"/>: two parties, a few active contracts sharing their accounts, and
/// the rules of funding, review and ending, written as plainly as possible. Time comes first: a milestone whose
/// review period has ended is released before anything else happens to its contract.
/// </summary>
internal sealed class ContractModel
{
    public sealed class Milestone(long amount)
    {
        public long Amount { get; } = amount;
        public MilestoneStatus Status { get; set; } = MilestoneStatus.Pending;
        public DateTimeOffset? AutoReleaseAt { get; set; }
    }

    public sealed class Contract(IEnumerable<long> amounts)
    {
        public ContractStatus Status { get; set; } = ContractStatus.Active;
        public List<Milestone> Milestones { get; } = amounts.Select(a => new Milestone(a)).ToList();
    }

    public long ClientAvailable { get; set; }
    public long ClientHeld { get; set; }
    public long FreelancerAvailable { get; set; }
    public List<Contract> Contracts { get; } = [];

    /// <summary>Applies a command once; true when it succeeds (a rejection changes nothing).</summary>
    public bool Apply(int index, ModelOp op, int m, DateTimeOffset now, TimeSpan reviewPeriod)
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
                    || ClientAvailable < milestone.Amount)
                {
                    return false;
                }

                ClientAvailable -= milestone.Amount;
                ClientHeld += milestone.Amount;
                milestone.Status = MilestoneStatus.Funded;
                return true;
            case ModelOp.Submit when milestone.Status == MilestoneStatus.Funded:
                milestone.Status = MilestoneStatus.Submitted;
                milestone.AutoReleaseAt = now + reviewPeriod;
                return true;
            case ModelOp.Approve when milestone.Status == MilestoneStatus.Submitted:
                Release(c, milestone);
                return true;
            case ModelOp.RequestChanges when milestone.Status == MilestoneStatus.Submitted:
                milestone.Status = MilestoneStatus.Funded;
                milestone.AutoReleaseAt = null;
                return true;
            case ModelOp.EndRefund or ModelOp.EndRelease:
                var held = c.Milestones.Find(x => x.Status.HoldsFunds());
                if (held is not null && op == ModelOp.EndRefund)
                {
                    ClientHeld -= held.Amount;
                    ClientAvailable += held.Amount;
                    held.Status = MilestoneStatus.Refunded;
                }
                else if (held is not null)
                {
                    Release(c, held);
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

    /// <summary>Every review period that has ended by <paramref name="now"/>, released (as a read of each contract would see).</summary>
    public void ReleaseAllDue(DateTimeOffset now) => Contracts.ForEach(c => ReleaseDue(c, now));

    private void ReleaseDue(Contract c, DateTimeOffset now)
    {
        if (c.Status == ContractStatus.Active && c.Milestones.Find(x => x.Status == MilestoneStatus.Submitted && x.AutoReleaseAt <= now) is { } due)
        {
            Release(c, due);
        }
    }

    private void Release(Contract c, Milestone milestone)
    {
        ClientHeld -= milestone.Amount;
        FreelancerAvailable += milestone.Amount;
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
