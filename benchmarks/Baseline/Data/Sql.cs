namespace Milestones.Baseline.Data;

/// <summary>Every statement the baseline runs: constant text with positional parameters, so Npgsql prepares each once per connection.</summary>
internal static class Sql
{
    public const string Begin = "BEGIN";
    public const string Commit = "COMMIT";

    private const string ContractColumns =
        "c.title, c.client_id, c.freelancer_id, c.currency, c.status, c.terms_version, c.client_accepted, c.freelancer_accepted, " +
        "c.funded, c.released, c.refunded, c.version, c.created_at, c.updated_at";

    private const string MilestoneColumns =
        "m.id, m.seq, m.description, m.due_date, m.amount, m.status, m.funded_at, m.submitted_at, m.auto_release_at, " +
        "m.released_at, m.refunded_at, m.submission_message, m.submission_links";

    /// <summary>The first statement of every command on a contract: its row, locked until COMMIT.</summary>
    public const string LockContract = "SELECT " + ContractColumns + " FROM contracts c WHERE c.id = $1 FOR UPDATE";

    /// <summary>A separate statement after the lock, so it reads the milestones as of after the lock was granted.</summary>
    public const string SelectMilestones = "SELECT " + MilestoneColumns + " FROM milestones m WHERE m.contract_id = $1 ORDER BY m.seq";

    /// <summary>A read (GET): one statement, one snapshot.</summary>
    public const string SelectContractWithMilestones =
        "SELECT " + ContractColumns + ", " + MilestoneColumns +
        " FROM contracts c JOIN milestones m ON m.contract_id = c.id WHERE c.id = $1 ORDER BY m.seq";

    public const int ContractColumnCount = 14;

    /// <summary>Funding: the client's balance in the contract's currency, locked after the contract.</summary>
    public const string LockClientAccount =
        "SELECT a.user_id, a.available, a.held FROM accounts a JOIN contracts c ON a.user_id = c.client_id AND a.currency = c.currency " +
        "WHERE c.id = $1 FOR UPDATE OF a";

    /// <summary>Release: both parties' balances, locked after the contract, in user-id order (no deadlocks).</summary>
    public const string LockPartyAccounts =
        "SELECT a.user_id, a.available, a.held FROM accounts a JOIN contracts c ON a.currency = c.currency " +
        "AND a.user_id IN (c.client_id, c.freelancer_id) WHERE c.id = $1 ORDER BY a.user_id FOR UPDATE OF a";

    public const string InsertContract =
        "INSERT INTO contracts (id, title, client_id, freelancer_id, currency, status, terms_version, version, created_at, updated_at) " +
        "VALUES ($1, $2, $3, $4, $5, 'draft', 1, 1, $6, $6)";

    public const string InsertMilestones =
        "INSERT INTO milestones (contract_id, id, seq, description, due_date, amount, status) " +
        "SELECT $1, 'm' || t.n, t.n, t.d, t.due, t.a, 'pending' " +
        "FROM unnest($2::text[], $3::date[], $4::bigint[]) WITH ORDINALITY AS t(d, due, a, n)";

    /// <summary>Both parties get a (zero) balance row in the contract's currency at creation, so a release can lock both rows.</summary>
    public const string EnsureAccounts =
        "INSERT INTO accounts (user_id, currency) VALUES ($1, $3), ($2, $3) ON CONFLICT (user_id, currency) DO NOTHING";

    public const string UpdateContract =
        "UPDATE contracts SET status = $2, client_accepted = $3, freelancer_accepted = $4, funded = $5, released = $6, version = $7, " +
        "updated_at = $8 WHERE id = $1";

    public const string UpdateMilestone =
        "UPDATE milestones SET status = $3, funded_at = $4, submitted_at = $5, auto_release_at = $6, released_at = $7, " +
        "submission_message = $8, submission_links = $9 WHERE contract_id = $1 AND id = $2";

    public const string HoldFunds = "UPDATE accounts SET available = available - $3, held = held + $3 WHERE user_id = $1 AND currency = $2";

    public const string CaptureHold = "UPDATE accounts SET held = held - $3 WHERE user_id = $1 AND currency = $2";

    public const string Credit =
        "INSERT INTO accounts (user_id, currency, available) VALUES ($1, $2, $3) " +
        "ON CONFLICT (user_id, currency) DO UPDATE SET available = accounts.available + excluded.available";

    public const string InsertHold = "INSERT INTO holds (user_id, contract_id, milestone_id, currency, amount, at) VALUES ($1, $2, $3, $4, $5, $6)";

    public const string DeleteHold = "DELETE FROM holds WHERE user_id = $1 AND contract_id = $2 AND milestone_id = $3";

    /// <summary>The transfer id is the primary key: the same step can never be applied twice.</summary>
    public const string InsertTransfer =
        "INSERT INTO transfers (id, kind, from_user, to_user, currency, amount, contract_id, milestone_id, at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    /// <summary>A deposit in one statement: the transfer (once per reference), and the balance only if the transfer is new.</summary>
    public const string Deposit =
        "WITH t AS (INSERT INTO transfers (id, kind, to_user, currency, amount, at) VALUES ($1, 'deposit', $2, $3, $4, $5) " +
        "ON CONFLICT (id) DO NOTHING RETURNING amount) " +
        "INSERT INTO accounts (user_id, currency, available, deposited) SELECT $2, $3, t.amount, t.amount FROM t " +
        "ON CONFLICT (user_id, currency) DO UPDATE SET available = accounts.available + excluded.available, " +
        "deposited = accounts.deposited + excluded.deposited";

    public const string SelectDeposit = "SELECT to_user, currency, amount FROM transfers WHERE id = $1";

    public const string SelectAccount =
        "SELECT a.currency, a.available, a.held, h.contract_id, h.milestone_id, h.amount, h.at FROM accounts a " +
        "LEFT JOIN holds h ON h.user_id = a.user_id AND h.currency = a.currency WHERE a.user_id = $1 ORDER BY a.currency, h.at, h.contract_id";
}
