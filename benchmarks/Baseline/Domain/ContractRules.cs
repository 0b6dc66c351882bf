namespace Milestones.Baseline.Domain;

/// <summary>
/// The rules of the commands the load test drives, checked in C# against the rows the transaction has locked.
/// Each returns an error and leaves the row untouched, or applies the change to the row in memory.
/// </summary>
internal static class ContractRules
{
    public static PartyRole RoleOf(ContractRow c, Caller caller) =>
        caller.IsPlatform ? PartyRole.Platform
        : caller.UserId == c.ClientId ? PartyRole.Client
        : caller.UserId == c.FreelancerId ? PartyRole.Freelancer
        : PartyRole.Stranger;

    /// <summary>Strangers learn nothing: not found. A party outside its role: forbidden.</summary>
    public static Error? Authorize(ContractRow c, Caller caller, string action, PartyRole allowed, PartyRole alsoAllowed = PartyRole.Stranger)
    {
        var role = RoleOf(c, caller);
        return role == PartyRole.Stranger ? Errors.ContractNotFound()
            : role == allowed || role == alsoAllowed ? null
            : Errors.RoleNotAllowed(role, action);
    }

    public static Error? CanRead(ContractRow c, Caller caller) =>
        RoleOf(c, caller) == PartyRole.Stranger ? Errors.ContractNotFound() : null;

    public static Error? Accept(ContractRow c, Caller caller, int termsVersion, DateTime now)
    {
        var error = Authorize(c, caller, "accept terms", PartyRole.Client, PartyRole.Freelancer)
            ?? RequireStatus(c, ContractStatus.Draft, "AcceptTerms")
            ?? (termsVersion != c.TermsVersion ? Errors.TermsVersionMismatch(c.TermsVersion) : null);
        if (error is not null)
        {
            return error;
        }

        var isClient = RoleOf(c, caller) == PartyRole.Client;
        if (isClient ? c.ClientAccepted : c.FreelancerAccepted)
        {
            return Errors.AlreadyAccepted();
        }

        if (isClient)
        {
            c.ClientAccepted = true;
        }
        else
        {
            c.FreelancerAccepted = true;
        }

        c.Record(now); // terms.accepted
        if (c.ClientAccepted && c.FreelancerAccepted)
        {
            c.Status = ContractStatus.Active;
            c.Record(now); // contract.activated
        }

        return null;
    }

    /// <summary>Decides a funding: client, active contract, a Pending milestone whose predecessors are all released.</summary>
    public static Error? CheckFund(ContractRow c, Caller caller, string milestoneId, out MilestoneRow milestone)
    {
        milestone = null!;
        var error = Authorize(c, caller, "fund milestones", PartyRole.Client)
            ?? RequireStatus(c, ContractStatus.Active, "Fund");
        if (error is not null)
        {
            return error;
        }

        var found = c.Find(milestoneId);
        if (found is null)
        {
            return Errors.MilestoneNotFound(milestoneId);
        }

        if (found.Status != MilestoneStatus.Pending)
        {
            return Errors.MilestoneNotFundable(found.Id, found.Status);
        }

        foreach (var m in c.Milestones)
        {
            if (m == found)
            {
                break;
            }

            if (m.Status != MilestoneStatus.Released)
            {
                return Errors.OutOfOrder(found.Id, m.Id);
            }
        }

        milestone = found;
        return null;
    }

    /// <summary>Applies a funding once the client's locked balance covers it.</summary>
    public static Error? Fund(ContractRow c, MilestoneRow milestone, long available, DateTime now)
    {
        if (available < milestone.Amount)
        {
            return Errors.InsufficientFunds(available, milestone.Amount);
        }

        milestone.Status = MilestoneStatus.Funded;
        milestone.FundedAt = now;
        c.Funded += milestone.Amount;
        c.Record(now); // milestone.funded
        return null;
    }

    public static Error? Submit(ContractRow c, Caller caller, string milestoneId, string? message, IReadOnlyList<string>? links, DateTime now, TimeSpan reviewPeriod)
    {
        MilestoneRow milestone = null!;
        var error = Authorize(c, caller, "submit work", PartyRole.Freelancer)
            ?? RequireStatus(c, ContractStatus.Active, "Submit")
            ?? Validate.Text(message, "message", Validate.MaxMessageLength)
            ?? Validate.Links(links)
            ?? MilestoneIn(c, milestoneId, MilestoneStatus.Funded, "Submit", out milestone);
        if (error is not null)
        {
            return error;
        }

        milestone.Status = MilestoneStatus.Submitted;
        milestone.SubmittedAt = now;
        milestone.AutoReleaseAt = now + reviewPeriod;
        milestone.SubmissionMessage = message;
        milestone.SubmissionLinks = links is null ? [] : [.. links];
        c.Record(now); // milestone.submitted
        return null;
    }

    /// <summary>Approves a submitted milestone: released; the contract completes when every milestone is released.</summary>
    public static Error? Approve(ContractRow c, Caller caller, string milestoneId, DateTime now, out MilestoneRow milestone)
    {
        milestone = null!;
        var error = Authorize(c, caller, "approve work", PartyRole.Client)
            ?? RequireStatus(c, ContractStatus.Active, "Approve")
            ?? MilestoneIn(c, milestoneId, MilestoneStatus.Submitted, "Approve", out milestone);
        if (error is not null)
        {
            return error;
        }

        milestone.Status = MilestoneStatus.Released;
        milestone.ReleasedAt = now;
        milestone.AutoReleaseAt = null;
        c.Released += milestone.Amount;
        c.Record(now); // milestone.released
        if (c.Milestones.TrueForAll(m => m.Status == MilestoneStatus.Released))
        {
            c.Status = ContractStatus.Completed;
            c.Record(now); // contract.completed
        }

        return null;
    }

    private static Error? RequireStatus(ContractRow c, string required, string command) =>
        c.Status == required ? null : Errors.WrongContractState(c.Status, command);

    private static Error? MilestoneIn(ContractRow c, string milestoneId, string required, string command, out MilestoneRow milestone)
    {
        milestone = c.Find(milestoneId)!;
        return milestone is null ? Errors.MilestoneNotFound(milestoneId)
            : milestone.Status != required ? Errors.WrongMilestoneState(milestone.Id, milestone.Status, command)
            : null;
    }
}
