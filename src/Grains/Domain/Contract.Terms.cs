using Milestones.Contracts;

namespace Milestones.Domain;

// Terms: milestone edits (directly, or through change requests), acceptance, decline and withdrawal.
public sealed partial class Contract
{
    public Error? AddMilestone(Caller caller, AddMilestone command, DateTimeOffset now) =>
        EditTerms(caller, [new ChangeOperation(ChangeOperationKind.Add, null, command.Description, command.DueDate, command.Amount, command.Position)],
            command.Message, now);

    public Error? EditMilestone(Caller caller, EditMilestone command, DateTimeOffset now) =>
        EditTerms(caller, [new ChangeOperation(ChangeOperationKind.Edit, command.MilestoneId, command.Description, command.DueDate, command.Amount, command.Position)],
            command.Message, now);

    public Error? DeleteMilestone(Caller caller, DeleteMilestone command, DateTimeOffset now) =>
        EditTerms(caller, [new ChangeOperation(ChangeOperationKind.Delete, command.MilestoneId)], command.Message, now);

    /// <summary>The id the last successful add gave its milestone.</summary>
    public string LastMilestoneId => $"m{state.NextMilestoneNumber - 1}";

    private Error? EditTerms(Caller caller, IReadOnlyList<ChangeOperation> operations, string? message, DateTimeOffset now)
    {
        var error = Authorize(caller, "edit milestones", PartyRole.Client, PartyRole.Freelancer)
            ?? RequireStatus(ContractCommand.EditTerms)
            ?? (state.Status == ContractStatus.Active && RoleOf(caller) == PartyRole.Freelancer
                ? Errors.RoleNotAllowed(PartyRole.Freelancer, "edit milestones of a started contract; propose a change request")
                : null);
        if (error is not null)
        {
            return error;
        }

        return Validate.Text(message, "message", Validate.MaxMessageLength, required: false) is { } invalidMessage
            ? Validate.All(invalidMessage, TryOperations(operations, now))
            : ApplyOperations(operations, caller.Actor, message, now);
    }

    /// <summary>The first refusal the operations meet, applied in turn to a copy of the milestones (which is dropped).</summary>
    private Error? TryOperations(IReadOnlyList<ChangeOperation> operations, DateTimeOffset now)
    {
        var dryRun = new MilestoneEditor(state.Milestones, rules, now, state.NextMilestoneNumber);
        return operations.Select(dryRun.Apply).FirstOrDefault(e => e is not null);
    }

    /// <summary>Applies all operations to a copy of the milestones and keeps the copy only if every one succeeded.</summary>
    private Error? ApplyOperations(IReadOnlyList<ChangeOperation> operations, string actor, string? message, DateTimeOffset now)
    {
        var editor = new MilestoneEditor(state.Milestones, rules, now, state.NextMilestoneNumber);
        foreach (var op in operations)
        {
            if (editor.Apply(op) is { } error)
            {
                return error;
            }
        }

        state.Milestones = editor.Milestones;
        state.NextMilestoneNumber = editor.NextNumber;
        state.TermsVersion++;
        state.ClientAccepted = false;
        state.FreelancerAccepted = false;
        foreach (var (type, milestoneId) in editor.Changes)
        {
            Record(now, actor, type, message, ("milestoneId", milestoneId), ("termsVersion", Str(state.TermsVersion)));
        }

        return null;
    }

    public Error? AcceptTerms(Caller caller, int termsVersion, DateTimeOffset now)
    {
        var error = Authorize(caller, "accept terms", PartyRole.Client, PartyRole.Freelancer)
            ?? RequireStatus(ContractCommand.AcceptTerms)
            ?? (termsVersion != state.TermsVersion ? Errors.TermsVersionMismatch(state.TermsVersion) : null);
        if (error is not null)
        {
            return error;
        }

        var isClient = RoleOf(caller) == PartyRole.Client;
        if (isClient ? state.ClientAccepted : state.FreelancerAccepted)
        {
            return Errors.AlreadyAccepted();
        }

        if (isClient)
        {
            state.ClientAccepted = true;
        }
        else
        {
            state.FreelancerAccepted = true;
        }

        Record(now, caller.Actor, "terms.accepted", null, ("termsVersion", Str(termsVersion)));
        if (state.ClientAccepted && state.FreelancerAccepted)
        {
            state.Status = ContractStatus.Active;
            state.Fees = rules.Fees;
            Record(now, caller.Actor, "contract.activated", null, ("termsVersion", Str(termsVersion)),
                ("freelancerServiceFeeBps", FeeSchedule.Text(rules.Fees.FreelancerServiceFeeBps)), ("clientFeeBps", FeeSchedule.Text(rules.Fees.ClientFeeBps)));
        }

        return null;
    }

    public Error? Decline(Caller caller, string? message, DateTimeOffset now) =>
        CloseDraft(caller, message, now, PartyRole.Freelancer, ContractCommand.Decline, ContractStatus.Declined, "contract.declined");

    public Error? Withdraw(Caller caller, string? message, DateTimeOffset now) =>
        CloseDraft(caller, message, now, PartyRole.Client, ContractCommand.Withdraw, ContractStatus.Withdrawn, "contract.withdrawn");

    private Error? CloseDraft(Caller caller, string? message, DateTimeOffset now, PartyRole role, ContractCommand command, ContractStatus to, string eventType)
    {
        var error = Authorize(caller, command.ToString().ToLowerInvariant() + " the offer", role)
            ?? RequireStatus(command)
            ?? Validate.Text(message, "message", Validate.MaxMessageLength, required: false);
        if (error is not null)
        {
            return error;
        }

        state.Status = to;
        Record(now, caller.Actor, eventType, message);
        return null;
    }

    private static string Str(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
