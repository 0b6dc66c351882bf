using System.Data.Common;
using Orleans;
using Orleans.Runtime;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Api;

/// <summary>
/// Test only (registered by <see cref="ApiFactory"/>): a grain call from the API to an account whose user id is
/// <c>fault-{kind}</c> fails the way an unavailable part of the system makes it fail, without reaching the grain
/// (<c>fault-second-page</c>: only a ledger read after its first page fails).
/// </summary>
public sealed class GrainFaults : IOutgoingGrainCallFilter
{
    public const string Prefix = "fault-";

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var key = context.TargetId.Key.ToString();
        var kind = key.StartsWith(GrainKeys.UserPrefix + Prefix, StringComparison.Ordinal) ? key[(GrainKeys.UserPrefix.Length + Prefix.Length)..] : null;
        switch (kind)
        {
            case null:
                return context.Invoke();
            case "unavailable-error" when context.InterfaceMethod.Name == nameof(IAccountGrain.GetAsync):
                context.Result = (Outcome<AccountView>)Errors.TransferInProgress();
                return Task.CompletedTask;
            case "second-page" when context.InterfaceMethod.Name == nameof(IAccountGrain.GetTransfersAsync) && context.Request.GetArgument(1) is > 0L:
                throw Exception("store-unavailable");
            case "second-page":
                return context.Invoke();
            default:
                throw Exception(kind);
        }
    }

    public static Exception Exception(string kind) => kind switch
    {
        "silo-unavailable" => new SiloUnavailableException("The silo is gone."),
        "message-rejected" => // Only Orleans makes these: the constructor is internal.
            (Exception)Activator.CreateInstance(typeof(OrleansMessageRejectionException), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, ["The message was rejected."], null)!,
        "gateway-lost" => new OrleansException("No gateway is available."),
        "timeout" => new TimeoutException("The response did not arrive in time."),
        "database" => new StoreUnreachable(),
        "store-unavailable" => StoreUnavailableException.From(new StoreUnreachable()),
        "canceled" => new OperationCanceledException("The silo shut down."),
        "bug" => new InvalidOperationException("A broken invariant."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such fault."),
    };

    /// <summary>What Npgsql or SQLite throw when the store cannot be reached.</summary>
    private sealed class StoreUnreachable() : DbException("The store cannot be reached.");
}
