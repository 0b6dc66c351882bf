using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Events;

/// <summary>
/// How contract events and ledger lines become <see cref="FeedEvent"/>s: their ids, streams, the users to notify,
/// and the JSON the outbox keeps. An account's events are its ledger lines, typed by what moved.
/// </summary>
public static partial class FeedEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ContractStream(string contractId) => KeptStreams + contractId;

    /// <summary>
    /// What begins the name of a stream the feed's retention spares: a contract's, whose events are its log (its audit
    /// chain, read back by <see cref="IEventStreams"/>), stored only here.
    /// </summary>
    public const string KeptStreams = "contract:";

    /// <summary>What begins the name of an account's stream.</summary>
    public const string AccountStreams = "account:";

    public static string AccountStream(string accountId) => AccountStreams + accountId;

    /// <summary>A contract's event; the other party of its actor is notified (both parties of a time-driven or platform event).</summary>
    public static OutboxEvent Contract(ContractState contract, ContractEvent e)
    {
        IReadOnlyList<string> notify = e.Actor == contract.ClientId ? [contract.FreelancerId]
            : e.Actor == contract.FreelancerId ? [contract.ClientId]
            : [contract.ClientId, contract.FreelancerId];
        var stream = ContractStream(contract.Id);
        return Outbox(stream, new FeedEvent(Id(stream, e.Seq), e.Type, e.At, e.Actor, e.Seq, contract.Id, null, e.Data, e.Message, notify, e.Hash));
    }

    /// <summary>
    /// The event of a ledger line of account <paramref name="accountKey"/>: its JSON is made from the line when it is
    /// needed (<see cref="OutboxEvent.Json"/>, <see cref="LedgerJson"/>): a store that keeps the line alone never makes it.
    /// </summary>
    public static OutboxEvent Ledger(string accountKey, LedgerEntry line) =>
        new(AccountStream(GrainKeys.UserIdOf(accountKey)), line.Seq, line.At, LedgerKind(line.Order.Kind, "").Type, null, line);

    /// <summary>
    /// The JSON of the event of ledger line <paramref name="line"/> in the account stream <paramref name="stream"/> (a
    /// user's account, or a fee account the platform reads: it notifies nobody). The actor is the platform for deposits
    /// and payout outcomes, the system for what time or a contract moved (the contract's own event names who acted),
    /// and the owner for what the owner asked.
    /// </summary>
    public static string LedgerJson(string stream, LedgerEntry line)
    {
        var accountId = stream[AccountStreams.Length..];
        var order = line.Order;
        var (type, actor) = LedgerKind(order.Kind, accountId);
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["transferId"] = order.TransferId,
            ["amount"] = Str(order.Amount.Amount),
            ["currency"] = order.Amount.Currency,
            ["available"] = Str(line.AvailableAfter),
            ["held"] = Str(line.HeldAfter),
            ["pending"] = Str(line.PendingAfter),
            ["payingOut"] = Str(line.PayingOutAfter),
        };
        Add(data, "contractId", order.ContractId);
        Add(data, "milestoneId", order.MilestoneId);
        Add(data, "availableAt", order.AvailableAt?.ToString("O", CultureInfo.InvariantCulture));
        var feed = new FeedEvent(Id(stream, line.Seq), type, line.At, actor, line.Seq, null, accountId, data, null, GrainKeys.IsFeeAccount(accountId) ? [] : [accountId]);
        return JsonSerializer.Serialize(feed, Json);
    }

    /// <summary>The event type of a ledger line of <paramref name="kind"/>, and its actor on account <paramref name="accountId"/>.</summary>
    private static (string Type, string Actor) LedgerKind(TransferKind kind, string accountId) => kind switch
    {
        TransferKind.Deposit => ("deposit.recorded", "platform"),
        TransferKind.Hold => ("funds.held", accountId),
        TransferKind.Capture => ("funds.captured", "system"),
        TransferKind.Credit => ("funds.credited", "system"),
        TransferKind.Refund => ("funds.returned", "system"),
        TransferKind.Debit => ("funds.debited", accountId),
        TransferKind.Available => ("funds.available", "system"),
        TransferKind.Payout => ("payout.requested", accountId),
        TransferKind.PayoutCompleted => ("payout.completed", "platform"),
        TransferKind.PayoutFailed => ("payout.failed", "platform"),
        TransferKind.PayoutVoided => ("payout.voided", "system"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A ledger line of an unknown kind."),
    };

    /// <summary>The stream of a parsed event: its contract's or its account's.</summary>
    public static string StreamOf(FeedEvent e) => e.ContractId is { } contract ? ContractStream(contract) : AccountStream(e.AccountId!);

    /// <summary>An event type's shape: lower-case dotted words (<c>milestone.funded</c>).</summary>
    public static bool IsTypeName(string type) => TypeName().IsMatch(type);

    [GeneratedRegex("^[a-z_]{1,50}(\\.[a-z_]{1,50}){1,3}$")]
    private static partial Regex TypeName();

    /// <summary>A contract's event as its log has it, from the event the outbox stored.</summary>
    public static ContractEvent LogEntry(FeedEvent e) => new(e.Seq, e.At, e.Actor, e.Type, e.Data, e.Message, e.Hash);

    public static FeedEvent Parse(string body) => JsonSerializer.Deserialize<FeedEvent>(body, Json)
        ?? throw new InvalidDataException("An outbox event's body is empty.");

    private static OutboxEvent Outbox(string stream, FeedEvent e) => new(stream, e.Seq, e.At, e.Type, JsonSerializer.Serialize(e, Json));

    /// <summary>Unique: a stream's name ends before the last ':', and a number has none.</summary>
    private static string Id(string stream, long seq) => string.Create(CultureInfo.InvariantCulture, $"{stream}:{seq}");

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Add(Dictionary<string, string> data, string key, string? value)
    {
        if (value is not null)
        {
            data[key] = value;
        }
    }
}
