using System.Buffers.Text;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// Every fact of how the grains lie in the store, in one place: the one grain storage, each grain type's state
/// name, the side rows some grains keep beside their state ("{name}/{n}", written before the row that counts
/// them, or read only, as an earlier build wrote them), how many lines or shards there are, and the one stable hash
/// that spreads keys over shards. Changing any
/// of these orphans stored rows: a state name is part of every row's key. (A user's "My Jobs" is no grain's row: the
/// store keeps it in a table of its own, written with each contract's state, <see cref="IListedState"/>.)
/// </summary>
public static class StorageLayout
{
    /// <summary>The one named grain storage every grain type uses, each under its own state name.</summary>
    public const string Storage = "milestones";

    public const string Contract = "contract";
    public const string Account = "account";
    public const string DepositReference = "depositReference";
    public const string AccountRegistry = "accountRegistry";
    public const string HaltedContracts = "halted-contracts";
    public const string Webhook = "webhook";
    public const string WebhookRegistry = "webhooks";
    public const string SandboxClock = "sandbox-clock";

    /// <summary>Ledger lines per page an earlier build sealed (<see cref="AccountState.SealedPages"/>).</summary>
    public const int LedgerPageSize = 16;

    /// <summary>
    /// Ledger lines between two snapshots of an account's open holds: a snapshot costs the whole set of open holds,
    /// so it is written once per 256 lines, and an activation reads at most 255 lines since.
    /// </summary>
    public const int HoldsSnapshotLines = 256;

    /// <summary>Registries of account ids (grains keyed 0..n-1) the ledger check reads.</summary>
    public const int AccountRegistryShards = 16;

    /// <summary>The row of an account's ledger page <paramref name="number"/>, as an earlier build sealed it (read only).</summary>
    public static string LedgerPage(int number) => string.Create(CultureInfo.InvariantCulture, $"accountLedger/{number}");

    /// <summary>The row of an account's holds snapshot in slot <paramref name="slot"/> (0 or 1).</summary>
    public static string AccountHolds(int slot) => string.Create(CultureInfo.InvariantCulture, $"accountHolds/{slot}");

    /// <summary>
    /// The row in which an earlier build found the sealed line of a transfer id on its account (read only): named by the
    /// first 128 bits of the id's SHA-256 in base64url.
    /// </summary>
    public static string LedgerLine(string transferId) => "accountLine/" + Base64Url.EncodeToString(TransferIdHash(transferId).AsSpan(0, 16));

    /// <summary>The row a still earlier build wrote for a sealed line: named by the id's whole SHA-256 in hex (<see cref="AccountState.ShortLineRefsFrom"/>).</summary>
    public static string EarlierLedgerLine(string transferId) => "accountLine/" + Convert.ToHexStringLower(TransferIdHash(transferId));

    private static byte[] TransferIdHash(string transferId) => SHA256.HashData(Encoding.UTF8.GetBytes(transferId));

    /// <summary>A stable shard of a key (not string.GetHashCode, which changes between processes).</summary>
    public static int ShardOf(string key, int shards) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key)) % (uint)shards);
}
