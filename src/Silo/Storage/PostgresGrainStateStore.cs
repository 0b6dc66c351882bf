using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state on PostgreSQL. A batch is one statement — a multi-row compare-and-set over arrays, updates for
/// known versions and inserts for new rows — so it commits as one transaction in one round trip. Reads are
/// gathered the same way: the reads waiting when a reader is free are answered by one statement (many grains
/// activating at once — a silo that has just started — cost a round trip per batch, not per grain). The writes'
/// events go into the outbox (those a write records together in one row: <see cref="EventRow"/>, schema 0015) and
/// their "My Jobs" lines into their table in the same statement, joined to the writes that succeeded. An event that
/// is a ledger line is stored as the line alone: its JSON is made from the line when read (<paramref name="ledgerJson"/>:
/// the account stream and the stored line), exactly as it was made when written.
/// </summary>
internal sealed partial class PostgresGrainStateStore(NpgsqlDataSource dataSource, string serviceId, ILogger logger, Func<string, byte[], string>? ledgerJson)
    : GrainStateStore
{
    private const int MaxReadBatch = 256;

    /// <summary>Inserted rows at which the tables are analysed first; then at four times as many, up to <see cref="LastAnalyzeAt"/>.</summary>
    private const long FirstAnalyzeAt = 1024;

    /// <summary>Beyond this many inserted rows autovacuum's own analyses (every tenth of the table changed) keep the plans right.</summary>
    private const long LastAnalyzeAt = 1 << 20;

    /// <summary>The tables a batch inserts into, analysed together.</summary>
    private const string GrowingTables = "grainstate, feedevent, usercontract, commandanswer";

    private const string AnalyzeSql = $"ANALYZE {GrowingTables};";

    /// <summary>The rows the planner's statistics know of in those tables (never analysed: none).</summary>
    private const string KnownRowsSql = $"SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class WHERE oid = ANY(string_to_array('{GrowingTables}', ', ')::regclass[]);";

    /// <summary>Read batches in flight at once.</summary>
    private const int Readers = 4;

    private const string ReadSql = """
        SELECT k.i, g.payload, g.version
        FROM unnest(@statenames, @grainids) WITH ORDINALITY AS k (statename, grainid, i)
        JOIN grainstate g ON g.serviceid = @serviceid AND g.statename = k.statename AND g.grainid = k.grainid;
        """;

    /// <summary>
    /// Events one transaction can place: an event's position is its transaction's id times this, plus its number in the
    /// transaction (schema 0012), and a reader reads only below the oldest transaction still running.
    /// </summary>
    private const int EventsPerTransaction = 1 << 16;

    private const string WriteSql = """
        WITH input AS (
            SELECT * FROM unnest(@statenames, @grainids, @payloads, @expected, @wakeats) WITH ORDINALITY AS i (statename, grainid, payload, expected, wakeat, n)
        ), updated AS (
            UPDATE grainstate g
            SET payload = i.payload, version = g.version + 1, modifiedon = now(), wakeat = i.wakeat
            FROM input i
            WHERE i.expected IS NOT NULL
              AND g.serviceid = @serviceid AND g.statename = i.statename AND g.grainid = i.grainid
              AND g.version = i.expected
            RETURNING g.statename, g.grainid, g.version
        ), inserted AS (
            INSERT INTO grainstate (serviceid, statename, grainid, payload, version, wakeat)
            SELECT @serviceid, i.statename, i.grainid, i.payload, 1, i.wakeat FROM input i WHERE i.expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING statename, grainid, version
        ), written AS (
            SELECT statename, grainid, version FROM updated
            UNION ALL
            SELECT statename, grainid, version FROM inserted
        ), sent AS (
            SELECT DISTINCT ON (e.stream, e.seq) e.*
            FROM unnest(@evwrites, @evstreams, @evseqs, @evcounts, @evats, @evtypes, @evbodies, @evpacked, @evlines, @evlinerefs)
                WITH ORDINALITY AS e (write, stream, seq, events, at, type, body, packed, line, lineref, r)
            JOIN input i ON i.n = e.write
            JOIN written w ON w.statename = i.statename AND w.grainid = i.grainid
            ORDER BY e.stream, e.seq, e.r
        ), fresh AS (
            -- A stream's stored events are its first ones: those of a row already stored (sent again) are skipped. (A
            -- join, so that the lookup runs once a row: a subquery in the select list is run again wherever it is used.)
            SELECT s.*, GREATEST(0, COALESCE(f.stored, 0) - s.seq) AS known
            FROM sent s
            LEFT JOIN LATERAL (
                SELECT f.seq + f.events AS stored FROM feedevent f
                WHERE f.serviceid = @serviceid AND f.stream = s.stream AND f.seq < s.seq + s.events
                ORDER BY f.seq DESC LIMIT 1
            ) f ON true
        ), placed AS (
            SELECT f.*, (SUM(f.events - f.known) OVER (ORDER BY f.r))::bigint - (f.events - f.known) AS k FROM fresh f WHERE f.known < f.events
        ), answers AS (
            SELECT * FROM unnest(@anwrites, @angrains, @ankeys, @answers, @anrows) AS a (write, grainid, key, answer, evrow)
        ), appended AS (
            INSERT INTO feedevent (serviceid, stream, seq, events, position, at, type, body, packed, answerkey, answer, line, lineref)
            SELECT @serviceid, f.stream, f.seq + f.known, f.events - f.known, (pg_current_xact_id()::text::bigint << 16) + f.k + 1, f.at,
                CASE WHEN f.known = 0 THEN f.type ELSE array_to_string((string_to_array(f.type, ' '))[(f.known + 1)::int:], ' ') END,
                f.body, f.packed, a.key, a.answer, f.line, f.lineref
            FROM placed f
            LEFT JOIN answers a ON a.evrow = f.r
            ORDER BY f.k
        ), relisted AS (
            UPDATE usercontract u SET status = l.status, title = l.title, version = l.version
            FROM unnest(@lswrites, @lsusers, @lscontracts, @lsstatuses, @lstitles, @lscreated, @lsversions) AS l (write, userid, contractid, status, title, created, version)
            JOIN input i ON i.n = l.write
            JOIN written w ON w.statename = i.statename AND w.grainid = i.grainid
            WHERE u.serviceid = @serviceid AND u.userid = l.userid AND u.created = l.created AND u.contractid = l.contractid AND u.version < l.version
        ), listed AS (
            INSERT INTO usercontract (serviceid, userid, contractid, role, status, title, created, version)
            SELECT @serviceid, l.userid, l.contractid, l.role, l.status, l.title, l.created, l.version
            FROM unnest(@lswrites, @lsusers, @lscontracts, @lsroles, @lsstatuses, @lstitles, @lscreated, @lsversions)
                AS l (write, userid, contractid, role, status, title, created, version)
            JOIN input i ON i.n = l.write
            JOIN written w ON w.statename = i.statename AND w.grainid = i.grainid
            WHERE NOT EXISTS (SELECT 1 FROM usercontract u WHERE u.serviceid = @serviceid AND u.userid = l.userid AND u.created = l.created AND u.contractid = l.contractid)
        ), answered AS (
            INSERT INTO commandanswer (serviceid, grainid, key, answer)
            SELECT DISTINCT ON (a.grainid, a.key) @serviceid, a.grainid, a.key, a.answer
            FROM answers a
            JOIN input i ON i.n = a.write
            JOIN written w ON w.statename = i.statename AND w.grainid = i.grainid
            WHERE NOT EXISTS (SELECT 1 FROM placed f WHERE f.r = a.evrow)
              AND NOT EXISTS (SELECT 1 FROM commandanswer c WHERE c.serviceid = @serviceid AND c.grainid = a.grainid AND c.key = a.key)
        ), forgotten AS (
            DELETE FROM commandanswer c
            USING unnest(@fgwrites, @fgkeys) AS f (write, key), input i, written w
            WHERE i.n = f.write AND w.statename = i.statename AND w.grainid = i.grainid
              AND c.serviceid = @serviceid AND c.grainid = w.grainid AND c.key = f.key
        )
        SELECT statename, grainid, version FROM written;
        """;

    /// <summary>
    /// The rows of a page of the feed and its head, in one statement, so as of one snapshot: a short page has every
    /// event of the types asked through that head (two statements could see a head whose last events the first did
    /// not). A row holds events at consecutive positions, all in its transaction's (schema 0015): the first row may hold
    /// events at or before the cursor too, and, of the types asked, only those; every later row holds one at least. So
    /// a row more than the page's events gives a full page.
    /// </summary>
    private static readonly string FeedSql = $$"""
        WITH head AS (
            SELECT COALESCE((SELECT pruned FROM feedhead WHERE serviceid = @serviceid), 0) AS pruned,
                (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16) - 1 AS position
        )
        SELECT h.pruned, h.position, e.position, e.events, e.type, e.body, e.packed, e.stream, e.line
        FROM head h
        LEFT JOIN LATERAL (
            SELECT position, events, type, body, packed, stream, line FROM feedevent
            WHERE serviceid = @serviceid AND position > GREATEST(@after, h.pruned) - {{EventRow.MaxEvents}} AND position + events > GREATEST(@after, h.pruned) + 1
              AND position <= h.position
              AND (@types::text[] IS NULL OR type = ANY(@types) OR (events > 1 AND string_to_array(type, ' ') && @types))
            ORDER BY position LIMIT @limit + 1
        ) e ON true
        ORDER BY e.position;
        """;

    private const string JobsSql = """
        SELECT contractid, role, title, status, created, version FROM usercontract
        WHERE serviceid = @serviceid AND userid = @userid
          AND (created < @afterticks OR (created = @afterticks AND contractid > @afterid))
          AND (@role::text IS NULL OR role = @role)
          AND (@statuses::text[] IS NULL OR status = ANY(@statuses))
        ORDER BY created DESC, contractid
        LIMIT @limit;
        """;

    /// <summary>The rows that hold a page of a stream's events: the first may hold events at or before the cursor too.</summary>
    private static readonly string StreamSql = $$"""
        SELECT seq, events, body, packed, stream, line FROM feedevent
        WHERE serviceid = @serviceid AND stream = @stream AND seq > @after - {{EventRow.MaxEvents}} AND seq + events > @after + 1
        ORDER BY seq LIMIT @limit;
        """;

    private const string LinesSql = """
        SELECT line FROM feedevent WHERE serviceid = @serviceid AND stream = @stream AND seq > @after AND line IS NOT NULL ORDER BY seq LIMIT @limit;
        """;

    private const string FindLinesSql = """
        SELECT line FROM feedevent WHERE lineref = @lineref AND serviceid = @serviceid AND stream = @stream AND line IS NOT NULL;
        """;


    /// <summary>
    /// A key's answer: in a row of its own, or beside an event of the grain's stream (the newest: the answer of a key
    /// forgotten there stays, and the key may be remembered again; a row of its own is deleted with its key).
    /// </summary>
    private const string AnswerSql = """
        SELECT answer FROM (
            SELECT answer, 0 AS beside, 0::bigint AS seq FROM commandanswer WHERE serviceid = @serviceid AND grainid = @grainid AND key = @key
            UNION ALL
            SELECT answer, 1, seq FROM feedevent WHERE serviceid = @serviceid AND stream = @stream AND answerkey = @key
        ) a
        ORDER BY beside, seq DESC
        LIMIT 1;
        """;

    /// <summary>Every answer of a grain: in rows of their own and beside the events of its stream (none if it is null).</summary>
    private const string AnswersSql = """
        SELECT key, answer FROM commandanswer WHERE serviceid = @serviceid AND grainid = @grainid
        UNION ALL
        SELECT answerkey, answer FROM feedevent WHERE serviceid = @serviceid AND stream = @stream AND answerkey IS NOT NULL;
        """;

    /// <summary>
    /// The feed's window moves past every event older than the cutoff; of those, the ones no stream keeps (neither a
    /// contract's log nor a ledger line) are deleted.
    /// </summary>
    private const string PruneSql = """
        WITH old AS (
            SELECT MAX(position + events - 1) AS upto FROM feedevent WHERE serviceid = @serviceid AND position IS NOT NULL AND at < @before
        ), gone AS (
            DELETE FROM feedevent WHERE serviceid = @serviceid AND position IS NOT NULL AND at < @before AND NOT (substr(stream, 1, 1) = @keptcontracts OR substr(stream, 1, length(@keptnames)) = @keptnames) AND line IS NULL
            RETURNING events
        )
        INSERT INTO feedhead AS h (serviceid, pruned) SELECT @serviceid, COALESCE(upto, 0) FROM old
        ON CONFLICT (serviceid) DO UPDATE SET pruned = GREATEST(h.pruned, excluded.pruned)
        RETURNING (SELECT COALESCE(SUM(events), 0)::bigint FROM gone);
        """;

    private const string ClearSql = """
        UPDATE grainstate SET payload = NULL, version = version + 1, modifiedon = now(), wakeat = NULL
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string DueSql = """
        SELECT grainid FROM grainstate
        WHERE serviceid = @serviceid AND wakeat IS NOT NULL AND wakeat <= @now
        ORDER BY wakeat LIMIT @limit;
        """;

    private readonly Channel<PendingRead> reads = Channel.CreateUnbounded<PendingRead>();
    private Task[] readers = [];

    /// <summary>
    /// Rows (grain states and events) this store has inserted, and the count at which it next has the tables analysed.
    /// PostgreSQL keeps the plan it made for a prepared statement while the tables were nearly empty — a sequential
    /// scan, cheapest then — until their statistics change, and autovacuum analyses them at best once a minute: on a
    /// new database every write scanned the whole table meanwhile (30–50 ms a batch after a minute of lifecycles).
    /// Analysing as the tables grow makes the plans again (<see cref="Grew"/>) — unless their statistics already know
    /// of at least as many rows as this process has inserted: a process that starts on a database in use leaves the
    /// analyses to autovacuum (each costs a second of the database's CPU on a million rows; a fresh process did three
    /// in its first ten seconds).
    /// </summary>
    private long inserted;

    private long nextAnalyzeAt = FirstAnalyzeAt;

    /// <summary>Two batches in flight: one commits while the next gathers.</summary>
    public override int Writers => 2;

    public override bool GroupsEvents => true;

    public static PostgresGrainStateStore Create(string connectionString, string serviceId, ILogger logger, Func<string, byte[], string>? ledgerJson = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 8;
        }

        // The store never changes session state, so a pooled connection needs no reset (which costs the server a
        // statement per command).
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        var store = new PostgresGrainStateStore(builder.Build(), serviceId, logger, ledgerJson);
        store.readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(store.ReadBatchesAsync)).ToArray();
        return store;
    }

    public override Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken)
    {
        var read = new PendingRead(stateName, grainId);
        return reads.Writer.TryWrite(read)
            ? read.Answer.Task.WaitAsync(cancellationToken)
            : Task.FromException<StoredGrainState?>(new ObjectDisposedException(nameof(PostgresGrainStateStore)));
    }

    /// <summary>Takes whatever reads are waiting (up to <see cref="MaxReadBatch"/>) and answers them with one statement.</summary>
    private async Task ReadBatchesAsync()
    {
        var batch = new List<PendingRead>(MaxReadBatch);
        while (await reads.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxReadBatch && reads.Reader.TryRead(out var read))
            {
                batch.Add(read);
            }

            if (batch.Count == 0)
            {
                continue; // another reader took them
            }

            try
            {
                var found = await ReadManyAsync(batch).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(found[i]);
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(read => read.Answer.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    private async Task<StoredGrainState?[]> ReadManyAsync(List<PendingRead> batch)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("statenames", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(r => r.StateName).ToArray());
        command.Parameters.AddWithValue("grainids", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(r => r.GrainId).ToArray());
        var found = new StoredGrainState?[batch.Count];
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            found[reader.GetInt64(0) - 1] = new StoredGrainState(reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetInt64(2));
        }

        return found;
    }

    public override async Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WriteSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("statenames", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(w => w.StateName).ToArray());
        command.Parameters.AddWithValue("grainids", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Select(w => w.GrainId).ToArray());
        command.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, batch.Select(w => w.Payload).ToArray());
        command.Parameters.AddWithValue("expected", NpgsqlDbType.Array | NpgsqlDbType.Bigint, batch.Select(w => w.ExpectedVersion).ToArray());
        command.Parameters.AddWithValue("wakeats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, batch.Select(w => w.WakeAt?.UtcDateTime).ToArray());
        // Each write's events in its rows (EventRow), numbered across the batch from 1 (the ordinality of the row arrays).
        var rows = batch.SelectMany((w, i) => w.Rows.Select(row => (Write: i, Row: row, Events: w.Events.Skip(row.First).Take(row.Count).ToList(), Line: w.Lines[row.First])))
            .ToList();
        var events = rows.Sum(r => r.Row.Count);
        if (events >= EventsPerTransaction)
        {
            throw new InvalidOperationException($"A batch of {events} events is more than one transaction can place in the feed ({EventsPerTransaction - 1}).");
        }

        command.Parameters.AddWithValue("evwrites", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.Write + 1L).ToArray());
        command.Parameters.AddWithValue("evstreams", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => FeedStream.Encode(r.Events[0].Stream)).ToArray());
        command.Parameters.AddWithValue("evseqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.Events[0].Seq).ToArray());
        command.Parameters.AddWithValue("evcounts", NpgsqlDbType.Array | NpgsqlDbType.Integer, rows.Select(r => r.Row.Count).ToArray());
        command.Parameters.AddWithValue("evats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.Events[0].At.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("evtypes", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => string.Join(' ', r.Events.Select(e => e.Type))).ToArray());
        command.Parameters.AddWithValue("evbodies", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => (object?)r.Row.Text ?? DBNull.Value).ToArray());
        command.Parameters.AddWithValue("evpacked", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => (object?)r.Row.Packed ?? DBNull.Value).ToArray());
        command.Parameters.AddWithValue("evlines", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => (object?)r.Line?.Payload ?? DBNull.Value).ToArray());
        command.Parameters.AddWithValue("evlinerefs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => (object?)r.Line?.Ref ?? DBNull.Value).ToArray());
        var lines = batch.SelectMany((w, i) => w.Listings.Select(l => (Write: (long)i + 1, l.UserId, l.Summary))).ToList();
        command.Parameters.AddWithValue("lswrites", NpgsqlDbType.Array | NpgsqlDbType.Bigint, lines.Select(l => l.Write).ToArray());
        command.Parameters.AddWithValue("lsusers", NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.UserId).ToArray());
        command.Parameters.AddWithValue("lscontracts", NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.Summary.ContractId).ToArray());
        command.Parameters.AddWithValue("lsroles", NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.Summary.Role.ToString()).ToArray());
        command.Parameters.AddWithValue("lsstatuses", NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.Summary.Status.ToString()).ToArray());
        command.Parameters.AddWithValue("lstitles", NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.Summary.Title).ToArray());
        command.Parameters.AddWithValue("lscreated", NpgsqlDbType.Array | NpgsqlDbType.Bigint, lines.Select(l => l.Summary.CreatedAt.UtcTicks).ToArray());
        command.Parameters.AddWithValue("lsversions", NpgsqlDbType.Array | NpgsqlDbType.Bigint, lines.Select(l => l.Summary.Version).ToArray());
        // An answer beside an event goes into its row (the row's number among the batch's); a row keeps one answer, and
        // the others of its events take rows of their own.
        var answers = new List<(long Write, AnswerWrite Answer, long? Row)>();
        var answered = new HashSet<long>();
        for (int i = 0, before = 0; i < batch.Count; before += batch[i].Rows.Count, i++)
        {
            foreach (var answer in batch[i].Answers)
            {
                long? row = answer.Event is { } e ? before + 1 + RowOf(batch[i].Rows, e) : null;
                answers.Add((i + 1L, answer, row is { } r && answered.Add(r) ? r : null));
            }
        }

        command.Parameters.AddWithValue("anwrites", NpgsqlDbType.Array | NpgsqlDbType.Bigint, answers.Select(a => a.Write).ToArray());
        command.Parameters.AddWithValue("angrains", NpgsqlDbType.Array | NpgsqlDbType.Text, answers.Select(a => a.Answer.GrainId).ToArray());
        command.Parameters.AddWithValue("ankeys", NpgsqlDbType.Array | NpgsqlDbType.Text, answers.Select(a => a.Answer.Key).ToArray());
        command.Parameters.AddWithValue("answers", NpgsqlDbType.Array | NpgsqlDbType.Bytea, answers.Select(a => a.Answer.Answer).ToArray());
        command.Parameters.AddWithValue("anrows", NpgsqlDbType.Array | NpgsqlDbType.Bigint, answers.Select(a => (object?)a.Row ?? DBNull.Value).ToArray());
        var forgotten = batch.SelectMany((w, i) => w.Forgotten.Select(key => (Write: (long)i + 1, Key: key))).ToList();
        command.Parameters.AddWithValue("fgwrites", NpgsqlDbType.Array | NpgsqlDbType.Bigint, forgotten.Select(f => f.Write).ToArray());
        command.Parameters.AddWithValue("fgkeys", NpgsqlDbType.Array | NpgsqlDbType.Text, forgotten.Select(f => f.Key).ToArray());

        var written = new Dictionary<(string, string), long>(batch.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                written[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
            }
        }

        // Lines of a new contract are new rows; later ones mostly update them.
        Grew(batch.Count(w => w.ExpectedVersion is null) + rows.Count
            + lines.Count(l => batch[(int)l.Write - 1].ExpectedVersion is null) + answers.Count);
        return batch.Select(w => written.TryGetValue(w.Key, out var version) ? version : (long?)null).ToArray();
    }

    /// <summary>The number among <paramref name="rows"/> of the row that holds event <paramref name="index"/>.</summary>
    private static int RowOf(IReadOnlyList<EventRow> rows, int index)
    {
        var row = 0;
        while (rows[row].First + rows[row].Count <= index)
        {
            row++;
        }

        return row;
    }

    /// <summary>Counts inserted rows; the writer that crosses the next count has the tables analysed, off its path.</summary>
    private void Grew(int rows)
    {
        var total = Interlocked.Add(ref inserted, rows);
        var due = Volatile.Read(ref nextAnalyzeAt);
        if (total >= due && due <= LastAnalyzeAt && Interlocked.CompareExchange(ref nextAnalyzeAt, due * 4, due) == due)
        {
            _ = Task.Run(() => AnalyzeAsync(total));
        }
    }

    private async Task AnalyzeAsync(long inserted)
    {
        try
        {
            await using var known = dataSource.CreateCommand(KnownRowsSql);
            if ((long)(await known.ExecuteScalarAsync().ConfigureAwait(false))! >= inserted)
            {
                return;
            }

            await using var command = dataSource.CreateCommand(AnalyzeSql);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAnalyzeFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analysing the grain-state tables failed; their plans stay as they are until autovacuum analyses them")]
    private static partial void LogAnalyzeFailed(ILogger logger, Exception exception);

    public override async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DueSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(reader.GetString(0));
        }

        return due;
    }

    public override async Task<FeedRead> ReadFeedAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken)
    {
        await using var feed = dataSource.CreateCommand(FeedSql);
        feed.Parameters.AddWithValue("serviceid", serviceId);
        feed.Parameters.AddWithValue("after", after);
        feed.Parameters.AddWithValue("limit", limit);
        feed.Parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)types?.ToArray() ?? DBNull.Value);
        var events = new List<(long, string)>();
        long pruned = 0, head = 0;
        await using var reader = await feed.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (pruned, head) = (reader.GetInt64(0), reader.GetInt64(1));
            if (reader.IsDBNull(2))
            {
                continue;
            }

            var (position, count) = (reader.GetInt64(2), reader.GetInt16(3));
            var rowTypes = count == 1 ? [reader.GetString(4)] : reader.GetString(4).Split(' ');
            var json = EventsJson(reader, 5, count);
            for (var i = 0; i < count && events.Count < limit; i++)
            {
                if (position + i > Math.Max(after, pruned) && (types is null || types.Contains(rowTypes[i])))
                {
                    events.Add((position + i, json[i]));
                }
            }
        }

        return new FeedRead(events, pruned, head);
    }

    public override async Task<IReadOnlyList<string>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StreamSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("stream", FeedStream.Encode(stream));
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var bodies = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (seq, count) = (reader.GetInt64(0), reader.GetInt16(1));
            bodies.AddRange(EventsJson(reader, 2, count).Skip((int)Math.Max(0, after - seq + 1)).Take(limit - bodies.Count));
        }

        return bodies;
    }

    public override async Task<IReadOnlyList<byte[]>> ReadLinesAsync(string stream, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LinesSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("stream", FeedStream.Encode(stream));
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        return await ColumnAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<byte[]>> FindLinesAsync(string stream, long lineRef, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindLinesSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("stream", FeedStream.Encode(stream));
        command.Parameters.AddWithValue("lineref", lineRef);
        return await ColumnAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<byte[]>> ColumnAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetFieldValue<byte[]>(0));
        }

        return values;
    }

    public override async Task<byte[]?> ReadAnswerAsync(string grainId, string stream, string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AnswerSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("grainid", grainId);
        command.Parameters.AddWithValue("stream", FeedStream.Encode(stream));
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    public override async Task<IReadOnlyList<(string Key, byte[] Answer)>> ReadAnswersAsync(string grainId, string? stream, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AnswersSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("grainid", grainId);
        command.Parameters.AddWithValue("stream", NpgsqlDbType.Bytea, stream is null ? DBNull.Value : FeedStream.Encode(stream));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var answers = new List<(string, byte[])>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            answers.Add((reader.GetString(0), (byte[])reader[1]));
        }

        return answers;
    }

    public override async Task<IReadOnlyList<ContractSummary>> ListJobsAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(JobsSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("userid", userId);
        command.Parameters.AddWithValue("afterticks", afterTicks);
        command.Parameters.AddWithValue("afterid", afterId);
        command.Parameters.AddWithValue("role", NpgsqlDbType.Text, (object?)role?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)statuses?.Select(s => s.ToString()).ToArray() ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        var page = new List<ContractSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(JobLine.Read(reader));
        }

        return page;
    }

    public override async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PruneSql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        command.Parameters.AddWithValue("keptcontracts", FeedStream.KeptContracts);
        command.Parameters.AddWithValue("keptnames", FeedStream.KeptNames);
        return (int)((await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) as long? ?? 0);
    }

    public override async Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken)
    {
        await using var command = Command(ClearSql, stateName, grainId);
        command.Parameters.AddWithValue("expected", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    /// <summary>Answers the reads already asked for, then closes the connections.</summary>
    public override async ValueTask DisposeAsync()
    {
        reads.Writer.TryComplete();
        await Task.WhenAll(readers).ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The JSON of a row's <paramref name="count"/> events from its columns <c>body</c> (at <paramref name="body"/>),
    /// <c>packed</c>, <c>stream</c> and <c>line</c> (the next three): as written, else compressed
    /// (<see cref="EventRow.Split"/>), else made from the ledger line its one event is.
    /// </summary>
    private IReadOnlyList<string> EventsJson(NpgsqlDataReader row, int body, int count) =>
        !row.IsDBNull(body) ? EventRow.Split(row.GetString(body), count)
        : !row.IsDBNull(body + 1) ? EventRow.Split(StoredPayload.UnpackText(row.GetFieldValue<byte[]>(body + 1)), count)
        : [(ledgerJson ?? throw new InvalidOperationException("This store was opened without a way to read ledger lines."))(FeedStream.Decode(row.GetFieldValue<byte[]>(body + 2)), row.GetFieldValue<byte[]>(body + 3))];

    private NpgsqlCommand Command(string sql, string stateName, string grainId)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("serviceid", serviceId);
        command.Parameters.AddWithValue("statename", stateName);
        command.Parameters.AddWithValue("grainid", grainId);
        return command;
    }
}

/// <summary>A read waiting for the next batch.</summary>
internal sealed class PendingRead(string stateName, string grainId)
{
    public string StateName => stateName;

    public string GrainId => grainId;

    public TaskCompletionSource<StoredGrainState?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
