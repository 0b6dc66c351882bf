using Milestones.Contracts;

namespace Milestones.Domain;

/// <summary>
/// The rules of one fixed-price contract, applied to its <see cref="ContractState"/>. Every command checks
/// the caller's role, its input and the transition table first, and changes the state only when all pass:
/// a rejected command returns an <see cref="Error"/> and leaves the state exactly as it was.
/// </summary>
public sealed partial class Contract(ContractState state, ContractRules rules)
{
    public ContractState State => state;

    public PartyRole RoleOf(Caller caller) =>
        caller.IsPlatform ? PartyRole.Platform
        : caller.UserId == state.ClientId ? PartyRole.Client
        : caller.UserId == state.FreelancerId ? PartyRole.Freelancer
        : PartyRole.Stranger;

    /// <summary>Strangers (and callers of a contract that does not exist) learn nothing: not found.</summary>
    public Error? Authorize(Caller caller, string action, params PartyRole[] allowed)
    {
        var role = RoleOf(caller);
        if (!state.Exists || role == PartyRole.Stranger)
        {
            return Errors.ContractNotFound();
        }

        return allowed.Contains(role) ? null : Errors.RoleNotAllowed(role, action);
    }

    public Error? Create(Caller caller, string id, CreateContract command, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Errors.ContractExists();
        }

        if (caller.IsPlatform)
        {
            return Errors.RoleNotAllowed(PartyRole.Platform, "create a contract; the client does");
        }

        var error = Validate.All(
            Validate.Text(command.Title, "title", Validate.MaxTitleLength),
            Validate.Id(command.FreelancerId, "freelancerId")
                ?? (command.FreelancerId == caller.UserId
                    ? Errors.Invalid("parties_must_differ", "freelancerId", "The freelancer must be someone other than the client.")
                    : null),
            Validate.Currency(command.Currency),
            ValidateNewMilestones(command.Milestones, now));
        if (error is not null)
        {
            return error;
        }

        state.Id = id;
        state.Exists = true;
        state.Title = command.Title;
        state.ClientId = caller.UserId;
        state.FreelancerId = command.FreelancerId;
        state.Currency = Currency.Shared(command.Currency);
        state.Status = ContractStatus.Draft;
        state.TermsVersion = 1;
        state.CreatedAt = now;
        state.Milestones.Capacity = command.Milestones.Count; // sized to the terms, not grown by doubling: the list lives as long as the activation
        foreach (var m in command.Milestones)
        {
            state.Milestones.Add(NewMilestoneState(m.Description, m.DueDate, m.Amount));
        }

        Record(now, caller.Actor, "contract.created", null,
            ("price", Price.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("currency", state.Currency));
        return null;
    }

    /// <summary>The contract price: the sum of its milestones, overflow-checked.</summary>
    public long Price => state.Milestones.Where(m => m.Status != MilestoneStatus.Cancelled).Sum(m => m.Amount);

    public MilestoneState? FindMilestone(string id) => state.Milestones.Find(m => m.Id == id);

    private Error? ValidateNewMilestones(IReadOnlyList<NewMilestone>? milestones, DateTimeOffset now)
    {
        if (milestones is null || milestones.Count == 0)
        {
            return Errors.Invalid("milestones_required", "milestones", "A contract needs at least one milestone.");
        }

        if (milestones.Count > rules.MaxMilestones)
        {
            return Errors.Invalid("too_many_milestones", "milestones", $"At most {rules.MaxMilestones} milestones.");
        }

        if (milestones.Any(m => m is null))
        {
            return Errors.Invalid("milestones_required", "milestones", "A milestone may not be null.");
        }

        return Validate.All([.. milestones.Select((m, i) => Validate.Milestone(m.Description, m.DueDate, m.Amount, rules, now)?.At($"milestones[{i}]"))]);
    }

    private MilestoneState NewMilestoneState(string description, DateOnly dueDate, long amount) => new()
    {
        Id = $"m{state.NextMilestoneNumber++}",
        Description = description,
        DueDate = dueDate,
        Amount = amount,
        Status = MilestoneStatus.Pending,
    };

    /// <summary>
    /// The transition table, and no command while a money movement is open: until its outcome is recorded, the
    /// milestone it moves must not change (a hold is exactly its amount) and the contract must not close.
    /// </summary>
    private Error? RequireStatus(ContractCommand command) =>
        !Transitions.Allows(state.Status, command) ? Errors.WrongContractState(state.Status, command)
        : state.OpenTransfer is not null ? Errors.TransferInProgress()
        : null;

    /// <summary>
    /// Appends an event, sealed into the audit chain (<see cref="AuditChain"/>), and bumps the version: every visible
    /// change goes through here.
    /// </summary>
    private void Record(DateTimeOffset now, string actor, string type, string? message, params (string Key, string Value)[] data)
    {
        state.Version++;
        state.UpdatedAt = now;
        var e = new ContractEvent(++state.EventCount, now, Shared(actor), type, data.ToDictionary(d => d.Key, d => d.Value), message);
        state.LastHash = AuditChain.Next(state.LastHash, e);
        state.Events.Add(e with { Hash = state.LastHash });
    }

    /// <summary>
    /// A party acts under its id: the event keeps the contract's own instance of that string rather than the copy
    /// each request brought in (the same value, held once however many events the party records).
    /// </summary>
    private string Shared(string actor) =>
        actor == state.ClientId ? state.ClientId : actor == state.FreelancerId ? state.FreelancerId : actor;
}
