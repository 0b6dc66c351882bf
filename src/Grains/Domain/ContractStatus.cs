namespace Milestones.Domain;

[GenerateSerializer, Alias("ms.ContractStatus")]
public enum ContractStatus
{
    Draft,
    Active,
    Completed,
    Ended,
    Withdrawn,
    Declined,
}
