using System.Text.Json;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain state in the embedded SQLite file. SQLite has one writer at a time, so one writer commits each batch in
/// one immediate transaction (one log flush for the batch), each state's events into the outbox, its "My Jobs"
/// lines and its remembered answers into their tables after its state, where that write succeeded. With one writer,
/// the order of insertion is the order of commit, so each event gets its place in the feed as it is inserted (after
/// the feed's head, moved in the same transaction): no event waits for a sequencer, none is written twice. The log is
/// copied into the database file in the background (<see cref="RunCheckpointsAsync"/>), not by the commit that fills
/// it, so no batch waits while a thousand pages are copied and the file synced. The driver is
/// synchronous: batches run on the storage's writer task, and reads, clears and the feed on the thread pool, so no
/// grain scheduler waits on the file.
/// </summary>
internal sealed partial class SqliteGrainStateStore(string connectionString, string serviceId, ILogger logger) : GrainStateStore
{
    /// <summary>How often the write-ahead log is copied into the database file, beside the writer.</summary>
    internal static readonly TimeSpan CheckpointPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Log frames (pages) from which a checkpoint also starts the log again from its beginning, between two batches: under
    /// a steady load the writer always adds frames while the log is copied, so the log would otherwise only grow.
    /// </summary>
    internal const int RestartFrames = 4096;

    private readonly CancellationTokenSource closing = new();

    /// <summary>The checkpoints, started with the first batch.</summary>
    private Task? checkpoints;

    /// <summary>
    /// Every write transaction of this store (a batch, a clear, a prune) takes it: they take turns here
    /// instead of meeting SQLite's lock, which the driver retries only every 150 ms (a step's p99 at 150–200 ms).
    /// </summary>
    private readonly Lock writing = new();

    /// <summary>The batches' connection and prepared statements, kept between batches (under <see cref="writing"/>).</summary>
    private BatchWriter? batches;

    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    private const string ReadSql = """
        SELECT payload, version FROM grainstate
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid;
        """;

    private const string UpdateSql = $"""
        UPDATE grainstate SET payload = @payload, version = version + 1, modifiedon = {Now}, wakeat = @wakeat
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string InsertSql = $"""
        INSERT INTO grainstate (serviceid, statename, grainid, payload, version, modifiedon, wakeat)
        VALUES (@serviceid, @statename, @grainid, @payload, 1, {Now}, @wakeat)
        ON CONFLICT DO NOTHING
        RETURNING version;
        """;

    private const string ClearSql = $"""
        UPDATE grainstate SET payload = NULL, version = version + 1, modifiedon = {Now}, wakeat = NULL
        WHERE serviceid = @serviceid AND statename = @statename AND grainid = @grainid AND version = @expected
        RETURNING version;
        """;

    private const string DueSql = """
        SELECT grainid FROM grainstate
        WHERE serviceid = @serviceid AND wakeat IS NOT NULL AND wakeat <= @now
        ORDER BY wakeat LIMIT @limit;
        """;

    /// <summary>An event sent again (a write whose outcome was unknown) is stored once, as first written, and takes no place.</summary>
    private const string InsertEventSql = """
        INSERT INTO feedevent (serviceid, stream, seq, position, at, type, body, line, lineref)
        VALUES (@serviceid, @stream, @seq, @position, @at, @type, @body, @line, @lineref)
        ON CONFLICT (serviceid, stream, seq) DO NOTHING;
        """;

    private const string HeadSql = "SELECT position FROM feedhead WHERE serviceid = @serviceid;";

    private const string SetHeadSql = """
        INSERT INTO feedhead (serviceid, position, pruned) VALUES (@serviceid, @position, 0)
        ON CONFLICT (serviceid) DO UPDATE SET position = excluded.position;
        """;

    private const string UpsertJobSql = """
        INSERT INTO usercontract (serviceid, userid, contractid, role, status, title, created, version)
        VALUES (@serviceid, @userid, @contractid, @role, @status, @title, @created, @version)
        ON CONFLICT (serviceid, userid, contractid) DO UPDATE
        SET status = excluded.status, title = excluded.title, version = excluded.version
        WHERE usercontract.version < excluded.version;
        """;

    private const string InsertAnswerSql = """
        INSERT INTO commandanswer (serviceid, grainid, key, answer) VALUES (@serviceid, @grainid, @key, @answer)
        ON CONFLICT DO NOTHING;
        """;

    private const string DeleteAnswerSql = "DELETE FROM commandanswer WHERE serviceid = @serviceid AND grainid = @grainid AND key = @key;";

    private const string StreamSql = """
        SELECT body FROM feedevent WHERE serviceid = @serviceid AND stream = @stream AND seq > @after ORDER BY seq LIMIT @limit;
        """;

    private const string LinesSql = """
        SELECT line FROM feedevent WHERE serviceid = @serviceid AND stream = @stream AND seq > @after AND line IS NOT NULL ORDER BY seq LIMIT @limit;
        """;

    private const string FindLinesSql = """
        SELECT line FROM feedevent WHERE lineref = @lineref AND serviceid = @serviceid AND stream = @stream AND line IS NOT NULL;
        """;

    private const string AnswerSql = "SELECT answer FROM commandanswer WHERE serviceid = @serviceid AND grainid = @grainid AND key = @key;";

    private const string AnswersSql = "SELECT key, answer FROM commandanswer WHERE serviceid = @serviceid AND grainid = @grainid;";

    private const string JobsSql = """
        SELECT contractid, role, title, status, created, version FROM usercontract
        WHERE serviceid = @serviceid AND userid = @userid
          AND (created < @afterticks OR (created = @afterticks AND contractid > @afterid))
          AND (@role IS NULL OR role = @role)
          AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
        ORDER BY created DESC, contractid
        LIMIT @limit;
        """;

    private const string FeedSql = """
        SELECT position, body FROM feedevent
        WHERE serviceid = @serviceid AND position > MAX(@after, (SELECT COALESCE(MAX(pruned), 0) FROM feedhead WHERE serviceid = @serviceid))
          AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
        ORDER BY position LIMIT @limit;
        """;

    private const string FeedHeadSql = "SELECT COALESCE(MAX(pruned), 0), COALESCE(MAX(position), 0) FROM feedhead WHERE serviceid = @serviceid;";

    private const string PruneSql = """
        DELETE FROM feedevent
        WHERE serviceid = @serviceid AND position IS NOT NULL AND at < @before AND substr(stream, 1, length(@kept)) <> @kept AND line IS NULL
        RETURNING position;
        """;

    /// <summary>The feed's window moves past every event older than the cutoff, kept or deleted.</summary>
    private const string MarkPrunedSql = """
        UPDATE feedhead
        SET pruned = MAX(pruned, COALESCE((SELECT MAX(position) FROM feedevent WHERE serviceid = @serviceid AND position IS NOT NULL AND at < @before), 0), @pruned)
        WHERE serviceid = @serviceid;
        """;

    public override int Writers => 1;

    public override Task<StoredGrainState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = Open();
            using var command = Command(connection, ReadSql, stateName, grainId);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new StoredGrainState(reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt64(1))
                : null;
        }, cancellationToken);

    public override Task<long?[]> WriteAsync(IReadOnlyList<GrainStateWrite> batch, CancellationToken cancellationToken)
    {
        using var turn = writing.EnterScope();
        try
        {
            batches ??= new BatchWriter(Open(), serviceId);
            checkpoints ??= Task.Run(RunCheckpointsAsync, CancellationToken.None);
            return Task.FromResult(batches.Write(batch));
        }
        catch
        {
            // Whatever state the connection was left in, the next batch starts on a new one.
            batches?.Dispose();
            batches = null;
            throw;
        }
    }

    public override Task<IReadOnlyList<string>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, StreamSql);
            command.Parameters.AddWithValue("@stream", stream);
            command.Parameters.AddWithValue("@after", after);
            command.Parameters.AddWithValue("@limit", limit);
            return FirstColumn<string>(command);
        }, cancellationToken);

    public override Task<IReadOnlyList<byte[]>> ReadLinesAsync(string stream, long after, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<byte[]>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, LinesSql);
            command.Parameters.AddWithValue("@stream", stream);
            command.Parameters.AddWithValue("@after", after);
            command.Parameters.AddWithValue("@limit", limit);
            return FirstColumn<byte[]>(command);
        }, cancellationToken);

    public override Task<IReadOnlyList<byte[]>> FindLinesAsync(string stream, long lineRef, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<byte[]>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, FindLinesSql);
            command.Parameters.AddWithValue("@stream", stream);
            command.Parameters.AddWithValue("@lineref", lineRef);
            return FirstColumn<byte[]>(command);
        }, cancellationToken);

    public override Task<byte[]?> ReadAnswerAsync(string grainId, string stream, string key, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, AnswerSql);
            command.Parameters.AddWithValue("@grainid", grainId);
            command.Parameters.AddWithValue("@key", key);
            return command.ExecuteScalar() as byte[];
        }, cancellationToken);

    public override Task<IReadOnlyList<(string Key, byte[] Answer)>> ReadAnswersAsync(string grainId, string? stream, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<(string, byte[])>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, AnswersSql);
            command.Parameters.AddWithValue("@grainid", grainId);
            using var reader = command.ExecuteReader();
            var answers = new List<(string, byte[])>();
            while (reader.Read())
            {
                answers.Add((reader.GetString(0), (byte[])reader[1]));
            }

            return answers;
        }, cancellationToken);

    public override Task<IReadOnlyList<ContractSummary>> ListJobsAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<ContractSummary>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, JobsSql);
            command.Parameters.AddWithValue("@userid", userId);
            command.Parameters.AddWithValue("@afterticks", afterTicks);
            command.Parameters.AddWithValue("@afterid", afterId);
            command.Parameters.AddWithValue("@role", (object?)role?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("@statuses", statuses is null ? DBNull.Value : JsonSerializer.Serialize(statuses.Select(s => s.ToString())));
            command.Parameters.AddWithValue("@limit", limit);
            using var reader = command.ExecuteReader();
            var page = new List<ContractSummary>();
            while (reader.Read())
            {
                page.Add(JobLine.Read(reader));
            }

            return page;
        }, cancellationToken);

    public override Task<FeedRead> ReadFeedAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            // One read transaction, one snapshot: a short page has every event of the types asked through this head.
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: true);
            using var feed = ServiceCommand(connection, FeedSql, transaction);
            feed.Parameters.AddWithValue("@after", after);
            feed.Parameters.AddWithValue("@limit", limit);
            feed.Parameters.AddWithValue("@types", types is null ? DBNull.Value : JsonSerializer.Serialize(types));
            var events = new List<(long, string)>();
            using (var reader = feed.ExecuteReader())
            {
                while (reader.Read())
                {
                    events.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }

            using var head = ServiceCommand(connection, FeedHeadSql, transaction);
            using var row = head.ExecuteReader();
            row.Read();
            return new FeedRead(events, row.GetInt64(0), row.GetInt64(1));
        }, cancellationToken);

    public override Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var turn = writing.EnterScope();
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            using var prune = ServiceCommand(connection, PruneSql, transaction);
            prune.Parameters.AddWithValue("@before", before.ToUnixTimeMilliseconds());
            prune.Parameters.AddWithValue("@kept", FeedEvents.KeptStreams);
            var gone = new List<long>();
            using (var reader = prune.ExecuteReader())
            {
                while (reader.Read())
                {
                    gone.Add(reader.GetInt64(0));
                }
            }

            using var mark = ServiceCommand(connection, MarkPrunedSql, transaction);
            mark.Parameters.AddWithValue("@pruned", gone.DefaultIfEmpty(0).Max());
            mark.Parameters.AddWithValue("@before", before.ToUnixTimeMilliseconds());
            mark.ExecuteNonQuery();
            transaction.Commit();
            return gone.Count;
        }, cancellationToken);

    /// <summary>A command of this service (its id bound as <c>@serviceid</c>), in <paramref name="transaction"/> if given.</summary>
    private SqliteCommand ServiceCommand(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@serviceid", serviceId);
        return command;
    }

    public override Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            using var connection = Open();
            using var command = ServiceCommand(connection, DueSql);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@limit", limit);
            return FirstColumn<string>(command);
        }, cancellationToken);

    /// <summary>The first column of every row the command reads.</summary>
    private static List<T> FirstColumn<T>(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    public override Task<long?> ClearAsync(string stateName, string grainId, long version, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var turn = writing.EnterScope();
            using var connection = Open();
            using var command = Command(connection, ClearSql, stateName, grainId);
            command.Parameters.AddWithValue("@expected", version);
            return command.ExecuteScalar() as long?;
        }, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await closing.CancelAsync().ConfigureAwait(false);
        await (checkpoints ?? Task.CompletedTask).ConfigureAwait(false);
        using var turn = writing.EnterScope();
        batches?.Dispose();
        batches = null;
    }

    /// <summary>
    /// Every <see cref="CheckpointPeriod"/>: copies the log's committed pages into the database file without stopping the
    /// writer (a passive checkpoint, on a connection of its own); once the log holds <see cref="RestartFrames"/>, also
    /// copies the rest and starts it again, between two batches. Durability does not depend on it: a commit is synced
    /// in the log. A failed checkpoint (or a connection that could not be opened) is tried again at the next tick, on a
    /// new connection.
    /// </summary>
    private async Task RunCheckpointsAsync()
    {
        using var timer = new PeriodicTimer(CheckpointPeriod);
        SqliteConnection? connection = null;
        try
        {
            while (await timer.WaitForNextTickAsync(closing.Token).ConfigureAwait(false))
            {
                try
                {
                    connection ??= Open();
                    if (Checkpoint(connection, "PASSIVE") >= RestartFrames)
                    {
                        using var turn = writing.EnterScope();
                        Checkpoint(connection, "RESTART");
                    }
                }
                catch (Exception ex)
                {
                    // Any failure, not only SQLite's: the writer never checkpoints, so a loop that ended would let the log grow.
                    LogCheckpointFailed(logger, ex);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Runs a checkpoint of <paramref name="mode"/>; the frames the log held (-1 if another checkpoint was running).</summary>
    private static long Checkpoint(SqliteConnection connection, string mode)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        using var result = command.ExecuteReader();
        return result.Read() ? result.GetInt64(1) : 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A checkpoint of the SQLite log failed; it is tried again shortly")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, string stateName, string grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@serviceid", serviceId);
        command.Parameters.AddWithValue("@statename", stateName);
        command.Parameters.AddWithValue("@grainid", grainId);
        return command;
    }

    /// <summary>
    /// One connection with the batch's statements prepared once: each batch binds and steps them instead of
    /// compiling its SQL again (preparing was a third of a batch's time). Used by one writer at a time.
    /// </summary>
    private sealed class BatchWriter : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly Statement update;
        private readonly Statement insert;
        private readonly Statement insertEvent;
        private readonly Statement head;
        private readonly Statement setHead;
        private readonly Statement upsertJob;
        private readonly Statement insertAnswer;
        private readonly Statement deleteAnswer;

        public BatchWriter(SqliteConnection connection, string serviceId)
        {
            this.connection = connection;
            using (var noCheckpoints = connection.CreateCommand())
            {
                // The log is checkpointed in the background (RunCheckpointsAsync), never by this connection's commits.
                noCheckpoints.CommandText = "PRAGMA wal_autocheckpoint = 0;";
                noCheckpoints.ExecuteNonQuery();
            }

            update = new Statement(connection, UpdateSql, serviceId, "@statename", "@grainid", "@payload", "@expected", "@wakeat");
            insert = new Statement(connection, InsertSql, serviceId, "@statename", "@grainid", "@payload", "@wakeat");
            insertEvent = new Statement(connection, InsertEventSql, serviceId, "@stream", "@seq", "@position", "@at", "@type", "@body", "@line", "@lineref");
            head = new Statement(connection, HeadSql, serviceId);
            setHead = new Statement(connection, SetHeadSql, serviceId, "@position");
            upsertJob = new Statement(connection, UpsertJobSql, serviceId, "@userid", "@contractid", "@role", "@status", "@title", "@created", "@version");
            insertAnswer = new Statement(connection, InsertAnswerSql, serviceId, "@grainid", "@key", "@answer");
            deleteAnswer = new Statement(connection, DeleteAnswerSql, serviceId, "@grainid", "@key");
        }

        /// <summary>
        /// Commits the batch in one immediate transaction; each state's events and lines only where its write succeeded,
        /// the events at the next places of the feed (read and moved under the write lock the transaction holds).
        /// </summary>
        public long?[] Write(IReadOnlyList<GrainStateWrite> batch)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var start = head.Scalar(transaction) as long? ?? 0;
            var position = start;
            var versions = new long?[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                var wakeAt = (object?)write.WakeAt?.ToUnixTimeMilliseconds() ?? DBNull.Value;
                versions[i] = (write.ExpectedVersion is { } expected
                    ? update.Scalar(transaction, write.StateName, write.GrainId, write.Payload, expected, wakeAt)
                    : insert.Scalar(transaction, write.StateName, write.GrainId, write.Payload, wakeAt)) as long?;
                if (versions[i] is null)
                {
                    continue;
                }

                for (var n = 0; n < write.Events.Count; n++)
                {
                    var (e, line) = (write.Events[n], write.Lines[n]);
                    position += insertEvent.Run(transaction, e.Stream, e.Seq, position + 1, e.At.ToUnixTimeMilliseconds(), e.Type, e.Json,
                        (object?)line?.Payload ?? DBNull.Value, (object?)line?.Ref ?? DBNull.Value);
                }

                foreach (var line in write.Listings)
                {
                    var summary = line.Summary;
                    upsertJob.Run(transaction, line.UserId, summary.ContractId, summary.Role.ToString(), summary.Status.ToString(), summary.Title, summary.CreatedAt.UtcTicks, summary.Version);
                }

                foreach (var answer in write.Answers)
                {
                    insertAnswer.Run(transaction, answer.GrainId, answer.Key, answer.Answer);
                }

                foreach (var key in write.Forgotten)
                {
                    deleteAnswer.Run(transaction, write.GrainId, key);
                }
            }

            if (position != start)
            {
                setHead.Run(transaction, position);
            }

            transaction.Commit();
            return versions;
        }

        public void Dispose()
        {
            update.Dispose();
            insert.Dispose();
            insertEvent.Dispose();
            head.Dispose();
            setHead.Dispose();
            upsertJob.Dispose();
            insertAnswer.Dispose();
            deleteAnswer.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>A prepared statement of the service, its other parameters bound by position on each run.</summary>
    private sealed class Statement : IDisposable
    {
        private readonly SqliteCommand command;
        private readonly SqliteParameter[] parameters;

        public Statement(SqliteConnection connection, string sql, string serviceId, params string[] names)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@serviceid", serviceId);
            parameters = [.. names.Select(name => command.Parameters.AddWithValue(name, DBNull.Value))];
        }

        public object? Scalar(SqliteTransaction transaction, params object[] values)
        {
            Bind(transaction, values);
            return command.ExecuteScalar();
        }

        /// <summary>Runs the statement; the rows it changed.</summary>
        public int Run(SqliteTransaction transaction, params object[] values)
        {
            Bind(transaction, values);
            return command.ExecuteNonQuery();
        }

        public void Dispose() => command.Dispose();

        private void Bind(SqliteTransaction transaction, object[] values)
        {
            command.Transaction = transaction;
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }
        }
    }
}
