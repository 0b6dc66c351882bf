namespace Milestones.Domain;

/// <summary>The commands of the contract-level transition table.</summary>
public enum ContractCommand
{
    EditTerms,
    AcceptTerms,
    Decline,
    Withdraw,
    End,
    Fund,
    Submit,
    Approve,
    RequestChanges,
    AutoRelease,
    ProposeChange,
    DecideChange,
    WithdrawChange,
    PayBonus,
    IssueRefund,
}
