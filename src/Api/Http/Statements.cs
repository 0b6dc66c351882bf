using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Milestones.Api.Hosting;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>An account's money in one currency: <see cref="Total"/> is all it owns in the system.</summary>
public sealed record StatementBalance(long Available, long Held, long Pending, long PayingOut)
{
    public static readonly StatementBalance Zero = new(0, 0, 0, 0);

    public long Total => Available + Held + Pending + PayingOut;

    public static StatementBalance After(LedgerEntry line) => new(line.AvailableAfter, line.HeldAfter, line.PendingAfter, line.PayingOutAfter);
}

/// <summary>A ledger line as a statement shows it: its reporting category and what it changed the account's total by.</summary>
public sealed record StatementLine(
    long Seq, DateTimeOffset At, string TransferId, StatementCategory Category, TransferKind Kind, string Currency, long Amount, long Change,
    string? ContractId, string? MilestoneId, string? Counterparty, StatementBalance After);

/// <summary>One currency of a statement: opening + change = closing, and the change by reporting category.</summary>
public sealed record StatementCurrency(string Currency, StatementBalance Opening, StatementBalance Closing, long Change, IReadOnlyDictionary<string, long> ByCategory);

/// <summary>
/// An account's statement of <see cref="From"/> to <see cref="To"/>: its ledger lines in order, and per currency the
/// balances before and after them (none when the lines are one contract's: they do not add up to the account's).
/// </summary>
public sealed record AccountStatement(DateTimeOffset? From, DateTimeOffset? To, string? ContractId, IReadOnlyList<StatementLine> Lines, IReadOnlyList<StatementCurrency>? Currencies);

/// <summary>
/// What a statement asks: the period <c>[from, to)</c> is a contiguous run of the ledger, from its first line at or
/// after <c>from</c> to the last before the first line at or after <c>to</c>, so that statements of consecutive periods
/// share no line, miss none, and one's closing balances are the next one's opening balances.
/// </summary>
public sealed record StatementQuery(DateTimeOffset? From, DateTimeOffset? To, string? ContractId, bool Csv)
{
    public static (StatementQuery? Query, Error? Error) Parse(string? from, string? to, string? contractId, string? format)
    {
        var (start, badFrom) = Time(from, "from");
        var (end, badTo) = Time(to, "to");
        var error = Validate.All(
            badFrom,
            badTo,
            start >= end ? Errors.Invalid("invalid_period", "to", "to must be later than from.") : null,
            contractId is null ? null : Validate.Id(contractId, "contractId"),
            format is null or "json" or "csv" ? null : Errors.Invalid("invalid_format", "format", "format must be json or csv."));
        return error is null ? (new StatementQuery(start, end, contractId, format == "csv"), null) : (null, error);
    }

    /// <summary>An ISO 8601 date (midnight UTC) or date and time (UTC unless it gives an offset).</summary>
    private static (DateTimeOffset? Time, Error? Error) Time(string? value, string field)
    {
        if (value is null)
        {
            return (null, null);
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (new DateTimeOffset(date, TimeOnly.MinValue, TimeSpan.Zero), null);
        }

        return value.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? (time, null)
            : (null, Errors.Invalid($"invalid_{field}", field, $"{field} must be an ISO 8601 date (2026-12-01) or date and time (2026-12-01T09:30:00Z)."));
    }
}

/// <summary>
/// Writes a statement as it reads the ledger, a page at a time, so that a year of a busy account takes the memory of
/// one page. The first page is read before anything is written: a refusal (no account, not the caller's) is a problem
/// response. A failure after that aborts the response, so that a client never takes a cut statement for a whole one.
/// </summary>
public static class Statements
{
    private const int PageSize = 500;

    private static readonly string[] CsvHeader =
    [
        "seq", "at", "transfer_id", "category", "kind", "currency", "amount", "change", "contract_id", "milestone_id", "counterparty",
        "available_after", "held_after", "pending_after", "paying_out_after", "balance_after",
    ];

    public static async Task<IResult> Write(IAccountGrain account, ApiServices api, StatementQuery query)
    {
        var first = await account.GetTransfersAsync(api.Caller, 0, PageSize);
        if (first.Error is { } refused)
        {
            return Problems.From(refused);
        }

        var lines = new Ledger(account, api.Caller, first.Value!, query);
        if (query.Csv)
        {
            return new StatementResult(response => WriteCsvAsync(response, lines), "text/csv", "statement.csv");
        }

        var json = api.Http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return new StatementResult(response => WriteJsonAsync(response, query, lines, json), "application/json", "statement.json");
    }

    /// <summary>An <see cref="AccountStatement"/>, its lines written as they are read (the writer fills the response's pipe; only its flushes wait).</summary>
    private static async Task WriteJsonAsync(HttpResponse response, StatementQuery query, Ledger ledger, JsonSerializerOptions options)
    {
        var aborted = response.HttpContext.RequestAborted;
        var body = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WritePropertyName("from");
        JsonSerializer.Serialize(writer, query.From, options);
        writer.WritePropertyName("to");
        JsonSerializer.Serialize(writer, query.To, options);
        writer.WriteString("contractId", query.ContractId);
        writer.WriteStartArray("lines");
        var written = 0;
        await foreach (var line in ledger.ReadAsync(aborted))
        {
            JsonSerializer.Serialize(writer, line, options);
            if (++written % 100 == 0)
            {
                writer.Flush();
                await body.FlushAsync(aborted);
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName("currencies");
        JsonSerializer.Serialize(writer, ledger.Currencies(), options);
        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(aborted);
    }

    /// <summary>
    /// One row per line, then per currency an <c>opening_balance</c> and a <c>closing_balance</c> row (none for one
    /// contract's lines): the opening row's balance_after plus the lines' change is the closing row's. Text that a
    /// spreadsheet would run as a formula (an id starting with <c>=</c>) is escaped.
    /// </summary>
    private static async Task WriteCsvAsync(HttpResponse response, Ledger ledger)
    {
        var aborted = response.HttpContext.RequestAborted;
        await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync(CsvHeader, aborted);
        await foreach (var line in ledger.ReadAsync(aborted))
        {
            csv.WriteField(line.Seq);
            csv.WriteField(line.At);
            csv.WriteField(line.TransferId);
            csv.WriteField(QueryValues.Name(line.Category));
            csv.WriteField(QueryValues.Name(line.Kind));
            csv.WriteField(line.Currency);
            csv.WriteField(line.Amount);
            csv.WriteField(line.Change);
            csv.WriteField(line.ContractId);
            csv.WriteField(line.MilestoneId);
            csv.WriteField(line.Counterparty);
            await EndWithBalanceAsync(csv, line.After, aborted);
        }

        foreach (var currency in ledger.Currencies() ?? [])
        {
            foreach (var (name, balance) in new[] { ("opening_balance", currency.Opening), ("closing_balance", currency.Closing) })
            {
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField(name);
                csv.WriteField("");
                csv.WriteField(currency.Currency);
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField("");
                await EndWithBalanceAsync(csv, balance, aborted);
            }
        }
    }

    private static async Task EndWithBalanceAsync(CsvWriter csv, StatementBalance balance, CancellationToken cancellationToken)
    {
        csv.WriteField(balance.Available);
        csv.WriteField(balance.Held);
        csv.WriteField(balance.Pending);
        csv.WriteField(balance.PayingOut);
        csv.WriteField(balance.Total);
        await csv.EndRecordAsync(cancellationToken);
    }

    /// <summary>Streams the body; a failure once it has begun aborts the connection (its status line is already sent).</summary>
    private sealed class StatementResult(Func<HttpResponse, Task> write, string contentType, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.ContentDisposition = $"inline; filename=\"{fileName}\"";
            try
            {
                await write(httpContext.Response);
            }
            catch (Exception ex) when (httpContext.Response.HasStarted && !httpContext.RequestAborted.IsCancellationRequested)
            {
                httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Statements)).LogStatementAborted(ex);
                httpContext.Abort();
            }
        }
    }

    /// <summary>
    /// Reads the ledger from its start: the lines before the period give the opening balances (each line carries its
    /// currency's balances after it), the period's lines are yielded (of one contract, if asked), and reading stops at
    /// the first line past the period. <see cref="Currencies"/> is complete once the lines are read.
    /// </summary>
    private sealed class Ledger(IAccountGrain account, Caller caller, TransferPage first, StatementQuery query)
    {
        private readonly Dictionary<string, StatementBalance> last = [];
        private readonly Dictionary<string, StatementBalance> opening = [];
        private readonly Dictionary<string, Dictionary<string, long>> byCategory = [];
        private bool started;

        public async IAsyncEnumerable<StatementLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var page = first; ; page = await NextAsync(page.NextAfter!.Value))
            {
                foreach (var entry in page.Entries)
                {
                    if (query.To is { } to && entry.At >= to)
                    {
                        Start();
                        yield break;
                    }

                    if (!started && (query.From is not { } from || entry.At >= from))
                    {
                        Start();
                    }

                    var currency = entry.Order.Amount.Currency;
                    var before = last.GetValueOrDefault(currency, StatementBalance.Zero);
                    var after = last[currency] = StatementBalance.After(entry);
                    if (!started || (query.ContractId is { } contract && entry.Order.ContractId != contract))
                    {
                        continue;
                    }

                    // A currency the account first had in the period opens at nothing.
                    opening.TryAdd(currency, before);
                    var line = new StatementLine(entry.Seq, entry.At, entry.Order.TransferId, TransferIntent.CategoryOf(entry.Order), entry.Order.Kind, currency,
                        entry.Order.Amount.Amount, after.Total - before.Total, entry.Order.ContractId, entry.Order.MilestoneId, entry.Order.Counterparty, after);
                    var totals = byCategory.TryGetValue(currency, out var found) ? found : byCategory[currency] = [];
                    var category = QueryValues.Name(line.Category);
                    totals[category] = totals.GetValueOrDefault(category) + line.Change;
                    yield return line;
                }

                if (page.NextAfter is null)
                {
                    Start();
                    yield break;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Per currency: the balances before and after the period, and its change by category; null for one contract's lines.</summary>
        public IReadOnlyList<StatementCurrency>? Currencies() => query.ContractId is null
            ? [.. opening.Keys.Order(StringComparer.Ordinal).Select(c => new StatementCurrency(c, opening[c], last[c], last[c].Total - opening[c].Total,
                byCategory.GetValueOrDefault(c) ?? []))]
            : null;

        /// <summary>The period begins: every currency the account has had opens at its balance now.</summary>
        private void Start()
        {
            if (!started)
            {
                started = true;
                foreach (var (currency, balance) in last)
                {
                    opening.TryAdd(currency, balance);
                }
            }
        }

        private async Task<TransferPage> NextAsync(long after)
        {
            var next = await account.GetTransfersAsync(caller, after, PageSize);
            return next.Value ?? throw new InvalidOperationException($"The ledger refused a statement's next page: {next.Error!.Code}");
        }
    }
}
