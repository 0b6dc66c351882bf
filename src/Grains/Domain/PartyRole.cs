namespace Milestones.Domain;

/// <summary>The role a caller plays on one contract. <see cref="System"/> is the product itself (auto-release).</summary>
[GenerateSerializer, Alias("ms.PartyRole")]
public enum PartyRole
{
    Stranger,
    Client,
    Freelancer,
    Platform,
    System,
}
