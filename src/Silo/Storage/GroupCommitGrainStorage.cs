using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Events;
using Milestones.Wakeups;
using Orleans.Storage;

namespace Milestones.Silo.Storage;

/// <summary>
/// Grain storage that commits concurrent writes together. Each write waits in a queue; a few writers take
/// whatever has queued (up to <see cref="MaxBatch"/>) and commit it as one transaction — one round trip and one
/// log flush for many grains — with a version check per grain. A write is acknowledged only after its transaction
/// committed; a stale write fails alone with <see cref="InconsistentStateException"/>; a database error fails the
/// whole batch and nothing of it is acknowledged. State is written with Orleans' versioned binary serializer, and a
/// state's wake-up time (<see cref="IScheduledState"/>) in the same row (the state compressed when that makes it smaller:
/// <see cref="StoredPayload"/>), so the due grains can be found
/// (<see cref="IDueGrains"/>); a state's new events (<see cref="IEventSource"/>) go into the outbox in the same
/// transaction, each at its place in the feed, and the store's feed answers for them (<see cref="IEventFeed"/>), as do
/// its streams (<see cref="IEventStreams"/>) and the ledger lines stored with accounts' events (<see cref="ILedgerLines"/>); a
/// state's changed "My Jobs" lines (<see cref="IListedState"/>) go into their table in the same
/// transaction too, and the store answers the lists (<see cref="IJobListings"/>); so do the answers a state remembers
/// by idempotency key (<see cref="IAnswerSource"/>, read back by <see cref="IRememberedAnswers"/>). I/O runs on the thread pool, never
/// on a grain's scheduler. No driver exception leaves it: every store operation's fails as a
/// <see cref="StoreUnavailableException"/>, which a client in another process can read (<see cref="Guarded"/>).
/// </summary>
internal sealed partial class GroupCommitGrainStorage(
    GrainStateStore store,
    Serializer serializer,
    ILogger<GroupCommitGrainStorage> logger,
    bool compress = true) : IGrainStorage, IDueGrains, IEventFeed, IEventStreams, ILedgerLines, IJobListings, IRememberedAnswers, ILifecycleParticipant<ISiloLifecycle>
{
    internal const int MaxBatch = 256;

    private readonly Channel<GrainStateWrite> queue = Channel.CreateUnbounded<GrainStateWrite>();
    private Task[] writers = [];

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await Guarded(() => store.ReadAsync(stateName, grainId.ToString(), CancellationToken.None)).ConfigureAwait(false);
        grainState.ETag = stored?.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = stored?.Payload is not null;
        grainState.State = stored?.Payload is { } payload ? serializer.Deserialize<T>(StoredPayload.Unpack(payload)) : Activator.CreateInstance<T>();
        (grainState.State as ILoadedState)?.Loaded();
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        (grainState.State as IWritingState)?.Writing();
        var source = grainState.State as IEventSource;
        var events = source?.Unwritten(grainId);
        var listed = grainState.State as IListedState;
        var lines = listed?.Unlisted();
        var answering = grainState.State as IAnswerSource;
        var (remembered, forgotten) = answering?.UnwrittenAnswers() ?? ([], []);
        var write = new GrainStateWrite(stateName, grainId.ToString(), Pack(serializer.SerializeToArray(grainState.State)), Version(grainState.ETag),
            (grainState.State as IScheduledState)?.WakeAt, events, lines, Answers(grainId, events ?? [], remembered, answering?.AnswersBesideEvents == true), forgotten,
            store.GroupsEvents && events is { Count: > 0 } ? EventRow.Of(events, compress) : null,
            events?.Any(e => e.Line is not null) == true ? [.. events.Select(Line)] : null);
        if (!queue.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("Grain storage is stopped.");
        }

        var version = await write.Committed.ConfigureAwait(false);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        if (events is { Count: > 0 })
        {
            source!.Written(events);
        }

        if (lines is { Count: > 0 })
        {
            listed!.Listed(lines);
        }

        if (remembered.Count + forgotten.Count > 0)
        {
            answering!.AnswersWritten(remembered, forgotten);
        }
    }

    /// <summary>
    /// The answers a write stores: those the state remembered, beside its events in order (those that carry none) if it
    /// keeps them there (<paramref name="besideEvents"/>), else or after them in rows of their own; and those its
    /// events carry, beside them.
    /// </summary>
    private List<AnswerWrite> Answers(GrainId grainId, IReadOnlyList<OutboxEvent> events, IReadOnlyList<StoredAnswer> remembered, bool besideEvents)
    {
        var free = new Queue<int>(Enumerable.Range(0, events.Count).Where(i => besideEvents && events[i].Answer is null));
        var answers = remembered.Select(a => new AnswerWrite(grainId.ToString(), a.Key, Pack(serializer.SerializeToArray(a.Answer)), free.TryDequeue(out var i) ? i : null)).ToList();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Answer is { } carried)
            {
                answers.Add(new AnswerWrite(carried.Owner.ToString(), carried.Key, Pack(serializer.SerializeToArray(carried.Answer)), i));
            }
        }

        return answers;
    }

    private StoredLine? Line(OutboxEvent e) =>
        e.Line is { } line ? new StoredLine(Pack(serializer.SerializeToArray(line)), StoredLine.RefOf(e.Stream, line.Order.TransferId)) : null;

    public async Task<IReadOnlyList<LedgerEntry>> ReadLinesAsync(string stream, long after, int limit) =>
        [.. (await Guarded(() => store.ReadLinesAsync(stream, after, limit, CancellationToken.None)).ConfigureAwait(false)).Select(ReadLine)];

    /// <summary>The line found by its reference whose transfer id is the one asked (two ids sharing a reference are told apart here).</summary>
    public async Task<LedgerEntry?> FindLineAsync(string stream, string transferId) =>
        (await Guarded(() => store.FindLinesAsync(stream, StoredLine.RefOf(stream, transferId), CancellationToken.None)).ConfigureAwait(false))
            .Select(ReadLine)
            .FirstOrDefault(line => line.Order.TransferId == transferId);

    private LedgerEntry ReadLine(byte[] stored) => StoredLine.Read(serializer, stored);

    public async Task<ContractResult?> ReadAsync(GrainId grain, string stream, string key, CancellationToken cancellationToken) =>
        await Guarded(() => store.ReadAnswerAsync(grain.ToString(), stream, key, cancellationToken)).ConfigureAwait(false) is { } answer
            ? ReadAnswer(answer).Result
            : null;

    public async Task<IReadOnlyList<IdempotencyRecord>> ReadKeysAsync(GrainId grain, string? stream, CancellationToken cancellationToken) =>
        [.. (await Guarded(() => store.ReadAnswersAsync(grain.ToString(), stream, cancellationToken)).ConfigureAwait(false))
            .Select(stored => ReadAnswer(stored.Answer).Key(stored.Key))
            .OfType<IdempotencyRecord>()];

    /// <summary>A stored answer; one an earlier build stored (a <see cref="ContractResult"/>) is read as one without a key.</summary>
    private KeptAnswer ReadAnswer(byte[] stored) =>
        serializer.Deserialize<KeptAnswer>(StoredPayload.Unpack(stored)) ?? throw new InvalidDataException("A stored answer is empty.");

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Version(grainState.ETag) is { } version)
        {
            var cleared = await Guarded(() => store.ClearAsync(stateName, grainId.ToString(), version, CancellationToken.None)).ConfigureAwait(false)
                ?? throw Stale(stateName, grainId.ToString());
            grainState.ETag = cleared.ToString(CultureInfo.InvariantCulture);
        }

        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public async Task<IReadOnlyList<GrainId>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        [.. (await Guarded(() => store.DueAsync(now, limit, cancellationToken)).ConfigureAwait(false)).Select(GrainId.Parse)];

    public Task<FeedRead> ReadAsync(long after, int limit, IReadOnlyCollection<string>? types, CancellationToken cancellationToken) =>
        Guarded(() => store.ReadFeedAsync(after, limit, types, cancellationToken));

    public async Task<IReadOnlyList<FeedEvent>> ReadStreamAsync(string stream, long after, int limit, CancellationToken cancellationToken) =>
        [.. (await Guarded(() => store.ReadStreamAsync(stream, after, limit, cancellationToken)).ConfigureAwait(false)).Select(FeedEvents.Parse)];

    public Task<IReadOnlyList<ContractSummary>> ListAsync(
        string userId, PartyRole? role, IReadOnlyCollection<ContractStatus>? statuses, long afterTicks, string afterId, int limit, CancellationToken cancellationToken) =>
        Guarded(() => store.ListJobsAsync(userId, role, statuses, afterTicks, afterId, limit, cancellationToken));

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => Guarded(() => store.PruneAsync(before, cancellationToken));

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GroupCommitGrainStorage), ServiceLifecycleStage.RuntimeStorageServices, Start, StopAsync);

    private Task Start(CancellationToken cancellationToken)
    {
        writers = Enumerable.Range(0, store.Writers).Select(_ => Task.Run(RunWriterAsync, CancellationToken.None)).ToArray();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking writes, commits what is queued, then closes the store.</summary>
    private async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(writers).ConfigureAwait(false);
        await store.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = queue.Reader;
        var batch = new List<GrainStateWrite>(MaxBatch);
        var keys = new HashSet<(string, string)>();
        var carried = new List<GrainStateWrite>();
        while (carried.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // The same row twice in one batch cannot be checked against one version: the later write waits for the next batch.
            var waiting = carried.ToList();
            carried.Clear();
            foreach (var write in waiting)
            {
                (keys.Add(write.Key) ? batch : carried).Add(write);
            }

            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                (keys.Add(write.Key) ? batch : carried).Add(write);
            }

            // Another writer may have taken everything this one woke up for.
            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }

            batch.Clear();
            keys.Clear();
        }
    }

    private async Task CommitAsync(List<GrainStateWrite> batch)
    {
        try
        {
            var versions = await Guarded(() => store.WriteAsync(batch, CancellationToken.None)).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                if (versions[i] is { } version)
                {
                    batch[i].Complete(version);
                }
                else
                {
                    batch[i].Fail(Stale(batch[i].StateName, batch[i].GrainId));
                }
            }
        }
        catch (Exception ex)
        {
            LogBatchFailed(logger, ex, batch.Count);
            foreach (var write in batch)
            {
                write.Fail(ex);
            }
        }
    }

    /// <summary>
    /// One store operation. A driver's failure (a <see cref="DbException"/>: connection refused or lost, a database in
    /// recovery or read-only, a timeout) becomes a <see cref="StoreUnavailableException"/>; anything else (a bug) passes
    /// as it is, and so does a stale version (<see cref="InconsistentStateException"/>, never thrown by a store).
    /// </summary>
    private static async Task<T> Guarded<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw StoreUnavailableException.From(ex);
        }
    }

    /// <summary>
    /// A payload as this storage writes it (<see cref="StoredPayload"/>; as it is with <c>Storage:CompressStates</c> off,
    /// which leaves events as text too).
    /// </summary>
    private byte[] Pack(byte[] serialized) => compress ? StoredPayload.Pack(serialized) : serialized;

    private static long? Version(string? etag) =>
        etag is null ? null : long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    private static InconsistentStateException Stale(string stateName, string grainId) =>
        new($"The stored '{stateName}' of {grainId} has changed since it was read; the write was not applied.");

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} grain-state writes failed; none of them was acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
