namespace Milestones.Domain;

/// <summary>
/// Applies add / edit / delete operations to a private copy of a contract's milestones. Only Pending
/// milestones may change, and they always stay after the locked ones (funded, submitted, released).
/// </summary>
internal sealed class MilestoneEditor(List<MilestoneState> original, ContractRules rules, DateTimeOffset now, int nextNumber)
{
    public List<MilestoneState> Milestones { get; } = original.Select(m => m.Copy()).ToList();
    public int NextNumber { get; private set; } = nextNumber;
    public List<(string Type, string MilestoneId)> Changes { get; } = [];

    private int LockedCount => Milestones.Count(m => m.Status != MilestoneStatus.Pending);

    public Error? Apply(ChangeOperation op) => op?.Op switch
    {
        ChangeOperationKind.Add => Add(op),
        ChangeOperationKind.Edit => Edit(op),
        ChangeOperationKind.Delete => Delete(op),
        _ => Errors.Invalid("invalid_operation", "operations", "Each operation must be add, edit or delete."),
    };

    private Error? Add(ChangeOperation op)
    {
        if (Milestones.Count >= rules.MaxMilestones)
        {
            return Errors.Invalid("too_many_milestones", "milestones", $"At most {rules.MaxMilestones} milestones.");
        }

        if (op.DueDate is null || op.Amount is null)
        {
            return Errors.Invalid("milestone_fields_required", "operations", "An added milestone needs a description, due date and amount.");
        }

        var position = op.Position ?? Milestones.Count + 1;
        var error = Validate.All(Validate.Milestone(op.Description, op.DueDate.Value, op.Amount.Value, rules, now), CheckPosition(position, Milestones.Count + 1));
        if (error is not null)
        {
            return error;
        }

        var milestone = new MilestoneState
        {
            Id = $"m{NextNumber++}",
            Description = op.Description!,
            DueDate = op.DueDate.Value,
            Amount = op.Amount.Value,
            Status = MilestoneStatus.Pending,
        };
        Milestones.Insert(position - 1, milestone);
        Changes.Add(("milestone.added", milestone.Id));
        return null;
    }

    private Error? Edit(ChangeOperation op)
    {
        if (Editable(op.MilestoneId, MilestoneCommand.Edit, out var milestone) is { } notEditable)
        {
            return notEditable;
        }

        if (op.Description is null && op.DueDate is null && op.Amount is null && op.Position is null)
        {
            return Errors.Invalid("nothing_to_change", "operations", "An edit must change at least one field.");
        }

        var error = Validate.All(
            op.Description is null ? null : Validate.Text(op.Description, "description", Validate.MaxDescriptionLength),
            op.DueDate is { } due ? Validate.DueDate(due, now) : null,
            op.Amount is { } amount ? Validate.Amount(amount, rules) : null,
            op.Position is { } p ? CheckPosition(p, Milestones.Count) : null);
        if (error is not null)
        {
            return error;
        }

        milestone.Description = op.Description ?? milestone.Description;
        milestone.DueDate = op.DueDate ?? milestone.DueDate;
        milestone.Amount = op.Amount ?? milestone.Amount;
        if (op.Position is { } position)
        {
            Milestones.Remove(milestone);
            Milestones.Insert(position - 1, milestone);
        }

        Changes.Add(("milestone.edited", milestone.Id));
        return null;
    }

    private Error? Delete(ChangeOperation op)
    {
        if (Editable(op.MilestoneId, MilestoneCommand.Delete, out var milestone) is { } notEditable)
        {
            return notEditable;
        }

        if (Milestones.Count(m => m.Status != MilestoneStatus.Released) <= 1)
        {
            return Errors.LastMilestone();
        }

        Milestones.Remove(milestone);
        Changes.Add(("milestone.deleted", milestone.Id));
        return null;
    }

    private Error? Editable(string? id, MilestoneCommand command, out MilestoneState milestone)
    {
        milestone = Milestones.Find(m => m.Id == id)!;
        if (milestone is null)
        {
            return Errors.MilestoneNotFound(id ?? "");
        }

        return Transitions.Next(milestone.Status, command) is null ? Errors.MilestoneLocked(milestone.Id) : null;
    }

    /// <summary>Positions are 1-based; a Pending milestone may not move in front of a locked one.</summary>
    private Error? CheckPosition(int position, int max)
    {
        if (position < 1 || position > max)
        {
            return Errors.Invalid("position_out_of_range", "position", $"Position must be between 1 and {max}.");
        }

        return position <= LockedCount ? Errors.MilestoneLocked(Milestones[position - 1].Id) : null;
    }
}
