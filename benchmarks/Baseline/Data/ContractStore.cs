using Milestones.Baseline.Domain;
using Milestones.Baseline.Hosting;
using Milestones.Baseline.Http;
using Npgsql;
using static Milestones.Baseline.Data.Database;

namespace Milestones.Baseline.Data;

/// <summary>
/// Contracts: create and read, and the commands that change only the contract (accept, submit). Each command is
/// one transaction: lock the contract row, check the rules in C#, write, commit.
/// </summary>
internal sealed class ContractStore(Database db, BaselineOptions options, TimeProvider clock)
{
    /// <summary>One round trip: [INSERT contract; INSERT milestones; ensure both balance rows] in one implicit transaction.</summary>
    public Task<Outcome<ContractView>> CreateAsync(Caller caller, NewContract command)
    {
        var now = Now();
        if (command.Check(caller, options.MaxAmount, options.MaxMilestones, now) is { } error)
        {
            return Task.FromResult<Outcome<ContractView>>(error);
        }

        var row = command.ToRow("ctr_" + Guid.NewGuid().ToString("N"), caller.UserId, now);
        var descriptions = new string[row.Milestones.Count];
        var dueDates = new DateOnly[descriptions.Length];
        var amounts = new long[descriptions.Length];
        for (var i = 0; i < descriptions.Length; i++)
        {
            (descriptions[i], dueDates[i], amounts[i]) = (row.Milestones[i].Description, row.Milestones[i].DueDate, row.Milestones[i].Amount);
        }

        var (first, second) = string.CompareOrdinal(row.ClientId, row.FreelancerId) < 0
            ? (row.ClientId, row.FreelancerId)
            : (row.FreelancerId, row.ClientId);
        return db.RunAsync(async connection =>
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Command(Sql.InsertContract, P(row.Id), P(row.Title), P(row.ClientId), P(row.FreelancerId), P(row.Currency), P(now)),
                    Command(Sql.InsertMilestones, P(row.Id), P(descriptions), P(dueDates), P(amounts)),
                    Command(Sql.EnsureAccounts, P(first), P(second), P(row.Currency)),
                },
            };
            await batch.ExecuteNonQueryAsync();
            return new Outcome<ContractView>(ContractView.From(row), null);
        });
    }

    /// <summary>One round trip, one statement (one snapshot): the contract joined with its milestones.</summary>
    public Task<Outcome<ContractView>> GetAsync(Caller caller, string id) => db.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(Sql.SelectContractWithMilestones, connection) { Parameters = { P(id) } };
        ContractRow? row = null;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                row ??= Rows.Contract(reader, id);
                row.Milestones.Add(Rows.Milestone(reader, Sql.ContractColumnCount));
            }
        }

        return row is null ? Errors.ContractNotFound()
            : ContractRules.CanRead(row, caller) is { } error ? error
            : new Outcome<ContractView>(ContractView.From(row), null);
    });

    public Task<Outcome<ContractView>> AcceptAsync(Caller caller, string id, int termsVersion) =>
        db.Locked(id, AccountLock.None, (contract, _, now, writes) =>
        {
            var error = ContractRules.Accept(contract, caller, termsVersion, now);
            if (error is null)
            {
                writes.Add(UpdateContract(contract));
            }

            return error;
        }, clock);

    public Task<Outcome<ContractView>> SubmitAsync(Caller caller, string id, string milestoneId, string? message, IReadOnlyList<string>? links) =>
        db.Locked(id, AccountLock.None, (contract, _, now, writes) =>
        {
            var error = ContractRules.Submit(contract, caller, milestoneId, message, links, now, options.ReviewPeriod);
            if (error is null)
            {
                writes.Add(UpdateMilestone(contract, contract.Find(milestoneId)!));
                writes.Add(UpdateContract(contract));
            }

            return error;
        }, clock);

    public static NpgsqlBatchCommand UpdateContract(ContractRow c) => Command(Sql.UpdateContract,
        P(c.Id), P(c.Status), P(c.ClientAccepted), P(c.FreelancerAccepted), P(c.Funded), P(c.Released), P(c.Version), P(c.UpdatedAt));

    public static NpgsqlBatchCommand UpdateMilestone(ContractRow c, MilestoneRow m) => Command(Sql.UpdateMilestone,
        P(c.Id), P(m.Id), P(m.Status), Nullable(m.FundedAt), Nullable(m.SubmittedAt), Nullable(m.AutoReleaseAt), Nullable(m.ReleasedAt),
        Nullable(m.SubmissionMessage), Nullable(m.SubmissionLinks));

    private DateTime Now() => Database.Now(clock);
}
