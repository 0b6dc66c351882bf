namespace Milestones.Baseline.Domain;

/// <summary>A contract offer as the client sends it.</summary>
internal sealed record NewContract(string Title, string FreelancerId, string Currency, IReadOnlyList<NewMilestone> Milestones)
{
    public Error? Check(Caller caller, long maxAmount, int maxMilestones, DateTime now)
    {
        if (caller.IsPlatform)
        {
            return Errors.RoleNotAllowed(PartyRole.Platform, "create a contract; the client does");
        }

        var error = Validate.Text(Title, "title", Validate.MaxTitleLength)
            ?? Validate.Text(FreelancerId, "freelancerId", Validate.MaxIdLength)
            ?? (FreelancerId == caller.UserId
                ? Errors.Invalid("parties_must_differ", "freelancerId", "The freelancer must be someone other than the client.")
                : null)
            ?? Validate.Currency(Currency);
        if (error is not null)
        {
            return error;
        }

        if (Milestones.Count == 0)
        {
            return Errors.Invalid("milestones_required", "milestones", "A contract needs at least one milestone.");
        }

        if (Milestones.Count > maxMilestones)
        {
            return Errors.Invalid("too_many_milestones", "milestones", $"At most {maxMilestones} milestones.");
        }

        long price = 0;
        foreach (var m in Milestones)
        {
            error = Validate.Text(m.Description, "description", Validate.MaxDescriptionLength)
                ?? Validate.DueDate(m.DueDate, now)
                ?? Validate.Amount(m.Amount, maxAmount);
            if (error is not null)
            {
                return error;
            }

            price += m.Amount; // overflow-checked: at most 100 × MaxAmount
        }

        return null;
    }

    /// <summary>The new contract's row, as the INSERTs write it (draft, terms version 1, version 1, milestones m1…mn).</summary>
    public ContractRow ToRow(string id, string clientId, DateTime now)
    {
        var row = new ContractRow
        {
            Id = id,
            Title = Title,
            ClientId = clientId,
            FreelancerId = FreelancerId,
            Currency = Currency,
            Status = ContractStatus.Draft,
            TermsVersion = 1,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        for (var i = 0; i < Milestones.Count; i++)
        {
            var m = Milestones[i];
            row.Milestones.Add(new MilestoneRow
            {
                Id = "m" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Seq = i + 1,
                Description = m.Description,
                DueDate = m.DueDate,
                Amount = m.Amount,
                Status = MilestoneStatus.Pending,
            });
        }

        return row;
    }
}

internal sealed record NewMilestone(string Description, DateOnly DueDate, long Amount);
