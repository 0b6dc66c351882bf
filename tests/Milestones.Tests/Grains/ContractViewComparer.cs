using Milestones.Contracts;

namespace Milestones.Tests.Grains;

/// <summary>Compares contract views by value, lists included (records compare lists by reference).</summary>
internal sealed class ContractViewComparer : IEqualityComparer<ContractView>
{
    public static readonly ContractViewComparer Instance = new();

    public bool Equals(ContractView? x, ContractView? y) =>
        System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

    public int GetHashCode(ContractView obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
