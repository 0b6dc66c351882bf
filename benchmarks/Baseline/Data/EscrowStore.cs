using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;
using Npgsql;
using static Milestones.Baseline.Data.Database;

namespace Milestones.Baseline.Data;

/// <summary>
/// The commands that move money: fund (client's available → held) and approve (client's hold → freelancer's
/// available). Each is one transaction that locks the contract row, then the balance row(s), and records the
/// transfer under its deterministic id (primary key: never applied twice).
/// </summary>
internal sealed class EscrowStore(Database db, TimeProvider clock)
{
    public static string FundId(string contractId, string milestoneId) => $"{contractId}/{milestoneId}/fund";

    public static string ReleaseId(string contractId, string milestoneId) => $"{contractId}/{milestoneId}/release";

    /// <summary>
    /// [BEGIN; lock contract; milestones; lock client balance] → rules → [UPDATE milestone; UPDATE balance;
    /// INSERT hold; INSERT transfer; UPDATE contract; COMMIT].
    /// </summary>
    public Task<Outcome<ContractView>> FundAsync(Caller caller, string id, string milestoneId) =>
        db.Locked(id, AccountLock.Client, (c, balances, now, writes) =>
        {
            var error = ContractRules.CheckFund(c, caller, milestoneId, out var m)
                ?? ContractRules.Fund(c, m, balances.Count == 1 ? balances[0].Available : 0, now);
            if (error is not null)
            {
                return error;
            }

            writes.Add(ContractStore.UpdateMilestone(c, m));
            writes.Add(Command(Sql.HoldFunds, P(c.ClientId), P(c.Currency), P(m.Amount)));
            writes.Add(Command(Sql.InsertHold, P(c.ClientId), P(c.Id), P(m.Id), P(c.Currency), P(m.Amount), P(now)));
            writes.Add(Transfer(FundId(c.Id, m.Id), "hold", c.ClientId, null, c, m, now));
            writes.Add(ContractStore.UpdateContract(c));
            return null;
        }, clock);

    /// <summary>
    /// [BEGIN; lock contract; milestones; lock both balances in user-id order] → rules → [UPDATE milestone;
    /// UPDATE client balance (held −); upsert freelancer balance (available +); DELETE hold; INSERT transfer;
    /// UPDATE contract; COMMIT].
    /// </summary>
    public Task<Outcome<ContractView>> ApproveAsync(Caller caller, string id, string milestoneId) =>
        db.Locked(id, AccountLock.Parties, (c, _, now, writes) =>
        {
            if (ContractRules.Approve(c, caller, milestoneId, now, out var m) is { } error)
            {
                return error;
            }

            writes.Add(ContractStore.UpdateMilestone(c, m));
            writes.Add(Command(Sql.CaptureHold, P(c.ClientId), P(c.Currency), P(m.Amount)));
            writes.Add(Command(Sql.Credit, P(c.FreelancerId), P(c.Currency), P(m.Amount)));
            writes.Add(Command(Sql.DeleteHold, P(c.ClientId), P(c.Id), P(m.Id)));
            writes.Add(Transfer(ReleaseId(c.Id, m.Id), "release", c.ClientId, c.FreelancerId, c, m, now));
            writes.Add(ContractStore.UpdateContract(c));
            return null;
        }, clock);

    private static NpgsqlBatchCommand Transfer(string transferId, string kind, string? from, string? to, ContractRow c, MilestoneRow m, DateTime now) =>
        Command(Sql.InsertTransfer, P(transferId), P(kind), Nullable(from), Nullable(to), P(c.Currency), P(m.Amount), P(c.Id), P(m.Id), P(now));
}
