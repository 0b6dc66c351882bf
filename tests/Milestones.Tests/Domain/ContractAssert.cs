using System.Text.Json;
using Milestones.Domain;

namespace Milestones.Tests.Domain;

/// <summary>Assertions on commands: success, or exactly one error code with the state left byte-for-byte as it was.</summary>
internal static class ContractAssert
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Snapshot(this ContractState state) => JsonSerializer.Serialize(state, Json);

    public static string Snapshot(this AccountState state) => JsonSerializer.Serialize(state, Json);

    public static void Ok(Error? error) =>
        Assert.True(error is null, $"Expected success but got {error?.Code}: {error?.Message}");

    /// <summary>Runs the command and asserts it is rejected with <paramref name="code"/> and changes nothing.</summary>
    public static Error Rejects(this Contract contract, Func<Contract, Error?> command, string code)
    {
        var before = contract.State.Snapshot();
        var error = command(contract);
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(before, contract.State.Snapshot());
        return error;
    }

    public static MilestoneState Milestone(this Contract contract, string id) =>
        contract.FindMilestone(id) ?? throw new InvalidOperationException($"No milestone {id}.");

    public static IEnumerable<string> EventTypes(this Contract contract) => contract.State.Events.Select(e => e.Type);

    public static ContractEvent LastEvent(this Contract contract) => contract.State.Events[^1];

    /// <summary>A transfer's orders in the order they are applied: its sources, then its credits.</summary>
    public static IReadOnlyList<(string Account, TransferOrder Order)> Orders(this Contract contract, TransferIntent intent)
    {
        var plan = contract.Plan(intent);
        return [.. plan.Sources, .. plan.Credits];
    }
}
