using Milestones.Contracts;

namespace Milestones.Domain;

// Work and money: fund, submit, approve, request changes, auto-release, end; and the outcome of a transfer.
public sealed partial class Contract
{
    /// <summary>Decides to fund a milestone: saves a <see cref="TransferIntent"/>; the milestone is Funded once the hold is applied.</summary>
    public Error? Fund(Caller caller, string milestoneId)
    {
        MilestoneState milestone = null!;
        var error = Authorize(caller, "fund milestones", PartyRole.Client)
            ?? RequireStatus(ContractCommand.Fund)
            ?? Milestone(milestoneId, MilestoneCommand.Fund, out milestone);
        if (error is not null)
        {
            return error;
        }

        var blocking = state.Milestones.TakeWhile(m => m != milestone).FirstOrDefault(m => m.Status != MilestoneStatus.Released);
        if (blocking is not null)
        {
            return Errors.OutOfOrder(milestone.Id, blocking.Id);
        }

        return Intend(TransferPurpose.Fund, milestone.Id, milestone.Amount, caller.Actor, null, null);
    }

    public Error? Submit(Caller caller, SubmitWork command, DateTimeOffset now)
    {
        MilestoneState milestone = null!;
        var error = Authorize(caller, "submit work", PartyRole.Freelancer)
            ?? RequireStatus(ContractCommand.Submit)
            ?? Validate.All(Validate.Text(command.Message, "message", Validate.MaxMessageLength), Validate.Links(command.Links))
            ?? Milestone(command.MilestoneId, MilestoneCommand.Submit, out milestone);
        if (error is not null)
        {
            return error;
        }

        milestone.Status = MilestoneStatus.Submitted;
        milestone.SubmittedAt = now;
        milestone.AutoReleaseAt = now + rules.ReviewPeriod;
        milestone.SubmissionMessage = command.Message;
        milestone.SubmissionLinks = [.. command.Links ?? []];
        Record(now, caller.Actor, "milestone.submitted", command.Message,
            ("milestoneId", milestone.Id), ("autoReleaseAt", milestone.AutoReleaseAt.Value.ToString("O")));
        return null;
    }

    /// <summary>Approves submitted work: releases all of the milestone, or <see cref="ApproveWork.Amount"/> of it (the rest returns to the client).</summary>
    public Error? Approve(Caller caller, ApproveWork command, DateTimeOffset now)
    {
        MilestoneState milestone = null!;
        var error = Authorize(caller, "approve work", PartyRole.Client)
            ?? RequireStatus(ContractCommand.Approve)
            ?? Validate.Text(command.Message, "message", Validate.MaxMessageLength, required: false)
            ?? Milestone(command.MilestoneId, MilestoneCommand.Approve, out milestone);
        if (error is not null)
        {
            return error;
        }

        if (command.Amount is { } amount && (amount < 1 || amount > milestone.Amount))
        {
            return Errors.Invalid("invalid_amount", "amount", $"amount must be between 1 and the milestone's {milestone.Amount}.");
        }

        return Intend(TransferPurpose.Approve, milestone.Id, command.Amount ?? milestone.Amount, caller.Actor, command.Message, now);
    }

    public Error? RequestChanges(Caller caller, RequestChanges command, DateTimeOffset now)
    {
        MilestoneState milestone = null!;
        var error = Authorize(caller, "request changes", PartyRole.Client)
            ?? RequireStatus(ContractCommand.RequestChanges)
            ?? Validate.Text(command.Message, "message", Validate.MaxMessageLength)
            ?? Milestone(command.MilestoneId, MilestoneCommand.RequestChanges, out milestone);
        if (error is not null)
        {
            return error;
        }

        milestone.Status = MilestoneStatus.Funded;
        milestone.AutoReleaseAt = null;
        Record(now, caller.Actor, "milestone.changes_requested", command.Message, ("milestoneId", milestone.Id));
        return null;
    }

    /// <summary>The submitted milestone whose review period has ended, if any: the auto-release timer's question.</summary>
    public MilestoneState? DueForAutoRelease(DateTimeOffset now) =>
        state.Status == ContractStatus.Active
            ? state.Milestones.Find(m => m.Status == MilestoneStatus.Submitted && m.AutoReleaseAt <= now)
            : null;

    /// <summary>The time the auto-release timer must fire next, or null when no milestone is under review.</summary>
    public DateTimeOffset? NextAutoReleaseAt =>
        state.Status == ContractStatus.Active
            ? state.Milestones.Find(m => m.Status == MilestoneStatus.Submitted)?.AutoReleaseAt
            : null;

    public Error? AutoRelease(DateTimeOffset now)
    {
        if (RequireStatus(ContractCommand.AutoRelease) is { } error)
        {
            return error;
        }

        var milestone = DueForAutoRelease(now);
        return milestone is null
            ? Errors.Invalid("nothing_due", "milestoneId", "No submitted milestone has reached its auto-release time.")
            : Intend(TransferPurpose.AutoRelease, milestone.Id, milestone.Amount, "system", null, now);
    }

    /// <summary>Ends an active contract early: the held milestone is refunded (or released, if the client or platform chooses), Pending ones cancelled.</summary>
    public Error? End(Caller caller, EndContract command, DateTimeOffset now)
    {
        var error = Authorize(caller, "end the contract", PartyRole.Client, PartyRole.Freelancer, PartyRole.Platform)
            ?? (command.HeldFunds == HeldFunds.Release && RoleOf(caller) == PartyRole.Freelancer
                ? Errors.RoleNotAllowed(PartyRole.Freelancer, "choose to release held funds")
                : null)
            ?? (Enum.IsDefined(command.HeldFunds) ? null : Errors.Invalid("invalid_held_funds", "heldFunds", "heldFunds must be refund or release."))
            ?? RequireStatus(ContractCommand.End)
            ?? Validate.Text(command.Message, "message", Validate.MaxMessageLength, required: false);
        if (error is not null)
        {
            return error;
        }

        var held = state.Milestones.Find(m => m.Status.HoldsFunds());
        if (held is not null)
        {
            var purpose = command.HeldFunds == HeldFunds.Release ? TransferPurpose.EndRelease : TransferPurpose.EndRefund;
            return Intend(purpose, held.Id, held.Amount, caller.Actor, command.Message, now);
        }

        Close(now, caller.Actor, command.Message);
        return null;
    }

    /// <summary>Records the outcome of the open transfer once every account involved has applied it.</summary>
    public void TransferApplied(DateTimeOffset now)
    {
        var intent = state.OpenTransfer ?? throw new InvalidOperationException("No transfer is open.");
        state.OpenTransfer = null;
        if (intent.Purpose is TransferPurpose.Bonus or TransferPurpose.Refund)
        {
            PaymentApplied(intent, now);
            return;
        }

        var milestone = MilestoneOf(intent);
        switch (intent.Purpose)
        {
            case TransferPurpose.Fund:
                milestone.Status = MilestoneStatus.Funded;
                milestone.FundedAt = now;
                state.Funded += intent.Amount;
                Record(now, intent.Actor, "milestone.funded", null, ("milestoneId", milestone.Id), ("amount", Str(intent.Amount)),
                    ("clientFee", Str(Fees.ClientFee(intent.Amount))));
                break;
            case TransferPurpose.EndRefund:
                milestone.Status = MilestoneStatus.Refunded;
                milestone.RefundedAt = now;
                milestone.AutoReleaseAt = null;
                state.Refunded += intent.Amount;
                Record(now, intent.Actor, "milestone.refunded", intent.Message, ("milestoneId", milestone.Id), ("amount", Str(intent.Amount)));
                Close(now, intent.Actor, intent.Message);
                break;
            default:
                var split = Split(milestone, intent.Amount);
                milestone.Status = MilestoneStatus.Released;
                milestone.ReleasedAt = now;
                milestone.AutoReleaseAt = null;
                milestone.ReleasedAmount = intent.Amount;
                state.Released += intent.Amount;
                state.Refunded += milestone.Amount - intent.Amount;
                Record(now, intent.Actor, "milestone.released", intent.Message, ("milestoneId", milestone.Id),
                    ("amount", Str(intent.Amount)), ("reason", intent.Purpose.ToString().ToLowerInvariant()),
                    ("freelancerNet", Str(split.Net)), ("serviceFee", Str(split.ServiceFee)), ("clientFee", Str(split.ClientFee)),
                    ("returned", Str(split.Returned)), ("availableAt", intent.AvailableAt!.Value.ToString("O")));
                RecordFees(now, ("milestoneId", milestone.Id), intent.TransferId, split.ServiceFee, split.ClientFee);
                if (intent.Purpose == TransferPurpose.EndRelease)
                {
                    Close(now, intent.Actor, intent.Message);
                }
                else if (state.Milestones.All(m => m.Status == MilestoneStatus.Released))
                {
                    CancelOpenChangeRequests(now);
                    state.Status = ContractStatus.Completed;
                    Record(now, "system", "contract.completed", null, ("released", Str(state.Released)));
                }

                break;
        }
    }

    /// <summary>The account refused the transfer (only a hold can be refused: insufficient funds); nothing changed.</summary>
    public void TransferRejected() => state.OpenTransfer = null;

    /// <summary>Stores the decision to move <paramref name="amount"/> for <paramref name="subject"/>; what pays the freelancer (decided at <paramref name="now"/>) is pending for the security period.</summary>
    private Error? Intend(TransferPurpose purpose, string subject, long amount, string actor, string? message, DateTimeOffset? now)
    {
        if (state.OpenTransfer is not null)
        {
            return Errors.TransferInProgress();
        }

        var intent = new TransferIntent(TransferIntent.IdFor(state.Id, subject, purpose), purpose, subject, amount, actor, message);
        state.OpenTransfer = intent.PaysFreelancer ? intent with { AvailableAt = now + rules.SecurityPeriod } : intent;
        return null;
    }

    private void Close(DateTimeOffset now, string actor, string? message)
    {
        foreach (var m in state.Milestones.Where(m => m.Status == MilestoneStatus.Pending))
        {
            m.Status = MilestoneStatus.Cancelled;
            Record(now, actor, "milestone.cancelled", null, ("milestoneId", m.Id));
        }

        CancelOpenChangeRequests(now);
        state.Status = ContractStatus.Ended;
        Record(now, actor, "contract.ended", message);
    }

    private void CancelOpenChangeRequests(DateTimeOffset now)
    {
        foreach (var request in state.ChangeRequests.Where(r => r.Status == ChangeRequestStatus.Open))
        {
            request.Status = ChangeRequestStatus.Cancelled;
            request.DecidedAt = now;
            request.DecisionMessage = "The contract closed before this request was decided.";
            Record(now, "system", "change_request.cancelled", null, ("changeRequestId", request.Id));
        }
    }

    private Error? Milestone(string? id, MilestoneCommand command, out MilestoneState milestone)
    {
        milestone = FindMilestone(id ?? "")!;
        if (milestone is null)
        {
            return Errors.MilestoneNotFound(id ?? "");
        }

        return Transitions.Next(milestone.Status, command) is null
            ? Errors.WrongMilestoneState(milestone.Id, milestone.Status, command)
            : null;
    }
}
