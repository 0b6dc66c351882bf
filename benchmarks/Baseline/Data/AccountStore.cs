using Milestones.Baseline.Domain;
using Milestones.Baseline.Http;
using Npgsql;
using static Milestones.Baseline.Data.Database;

namespace Milestones.Baseline.Data;

/// <summary>Escrow accounts: deposits (idempotent by the provider's reference) and the balance view with its holds.</summary>
internal sealed class AccountStore(Database db, TimeProvider clock)
{
    /// <summary>
    /// One round trip, one implicit transaction: [transfer + balance upsert in one statement; the transfer as
    /// stored (to tell a replay from a conflicting reuse); the account view].
    /// </summary>
    public Task<Outcome<AccountView>> DepositAsync(string userId, long amount, string currency, string reference) => db.RunAsync(async connection =>
    {
        var transferId = "deposit/" + reference;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(Sql.Deposit, P(transferId), P(userId), P(currency), P(amount), P(Now(clock))),
                Command(Sql.SelectDeposit, P(transferId)),
                Command(Sql.SelectAccount, P(userId)),
            },
        };
        try
        {
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.ReadAsync();
            var sameDeposit = reader.GetString(0) == userId && reader.GetString(1) == currency && reader.GetInt64(2) == amount;
            if (!sameDeposit)
            {
                return Errors.DepositReferenceConflict(reference); // the reference was taken: the deposit statement changed nothing
            }

            await reader.NextResultAsync();
            return new Outcome<AccountView>(await ReadAccountAsync(reader, userId), null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            return Errors.Invalid("amount_too_large", "amount", "This deposit would take the balance beyond what the account can hold.");
        }
    });

    public Task<Outcome<AccountView>> GetAsync(string userId) => db.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(Sql.SelectAccount, connection) { Parameters = { P(userId) } };
        await using var reader = await command.ExecuteReaderAsync();
        return new Outcome<AccountView>(await ReadAccountAsync(reader, userId), null);
    });

    /// <summary>Rows of <see cref="Sql.SelectAccount"/>: one per hold (or one per currency without holds), ordered by currency.</summary>
    private static async Task<AccountView> ReadAccountAsync(NpgsqlDataReader reader, string userId)
    {
        var balances = new List<BalanceView>(1);
        BalanceView? current = null;
        while (await reader.ReadAsync())
        {
            var currency = reader.GetString(0);
            if (current is null || current.Currency != currency)
            {
                current = new BalanceView(currency, reader.GetInt64(1), reader.GetInt64(2), []);
                balances.Add(current);
            }

            if (!reader.IsDBNull(3))
            {
                current.Holds.Add(new HoldView(
                    reader.GetString(3), reader.GetString(4), reader.GetInt64(5), ContractView.Utc(reader.GetFieldValue<DateTime>(6))));
            }
        }

        return new AccountView(userId, balances);
    }
}
