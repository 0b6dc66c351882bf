using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;
using Npgsql;
using static Milestones.Baseline.Data.Database;

namespace Milestones.Baseline.Data;

/// <summary>Which balance rows a command locks after the contract row.</summary>
internal enum AccountLock
{
    None,
    Client,
    Parties,
}

/// <summary>A balance row as locked: the user, and the balance in the contract's currency.</summary>
internal readonly record struct AccountRow(string UserId, long Available, long Held);

/// <summary>Checks the rules against the locked rows; on success, changes the row in memory and adds the writes.</summary>
internal delegate Error? Decide(ContractRow contract, IReadOnlyList<AccountRow> accounts, DateTime now, List<NpgsqlBatchCommand> writes);

/// <summary>
/// The shape of every command on a contract, in two round trips:
/// <list type="number">
/// <item>[BEGIN; SELECT contract FOR UPDATE; SELECT milestones; SELECT balance row(s) FOR UPDATE]</item>
/// <item>the rules in C#, then [UPDATE …; INSERT …; COMMIT] (or ROLLBACK when the rules say no).</item>
/// </list>
/// Lock order is always: contract row, then balance rows by user id. READ COMMITTED; each SELECT after the lock
/// is its own statement, so it sees everything committed before the lock was granted.
/// </summary>
internal static class LockedCommand
{
    public static Task<Outcome<ContractView>> Locked(this Database db, string id, AccountLock accounts, Decide decide, TimeProvider clock) =>
        db.RunAsync(async connection =>
        {
            ContractRow? contract;
            var balances = new List<AccountRow>(2);
            await using (var read = new NpgsqlBatch(connection))
            {
                read.BatchCommands.Add(new NpgsqlBatchCommand(Sql.Begin));
                read.BatchCommands.Add(Command(Sql.LockContract, P(id)));
                read.BatchCommands.Add(Command(Sql.SelectMilestones, P(id)));
                if (accounts != AccountLock.None)
                {
                    read.BatchCommands.Add(Command(accounts == AccountLock.Client ? Sql.LockClientAccount : Sql.LockPartyAccounts, P(id)));
                }

                await using var reader = await read.ExecuteReaderAsync();
                contract = await Rows.LockedContractAsync(reader, id);
                if (accounts != AccountLock.None && await reader.NextResultAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        balances.Add(new AccountRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                    }
                }
            }

            if (contract is null)
            {
                await RollbackAsync(connection);
                return Errors.ContractNotFound();
            }

            var writes = new List<NpgsqlBatchCommand>(8);
            if (decide(contract, balances, Now(clock), writes) is { } error)
            {
                await RollbackAsync(connection);
                return error;
            }

            await using var write = new NpgsqlBatch(connection);
            foreach (var command in writes)
            {
                write.BatchCommands.Add(command);
            }

            write.BatchCommands.Add(new NpgsqlBatchCommand(Sql.Commit));
            await write.ExecuteNonQueryAsync();
            return new Outcome<ContractView>(ContractView.From(contract), null);
        });
}
