using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Contracts;

/// <summary>One contract, keyed by its id (<c>ctr_…</c>). Serialises every transition of the contract.</summary>
[Alias("ms.IContractGrain")]
public interface IContractGrain : IGrainWithStringKey, IWakeable
{
    [Alias("Create")] Task<Outcome<ContractResult>> CreateAsync(Caller caller, CreateContract command, CommandOptions options);
    [Alias("Get")] Task<Outcome<ContractView>> GetAsync(Caller caller);
    [Alias("GetEvents")] Task<Outcome<EventPage>> GetEventsAsync(Caller caller, long after, int limit);

    /// <summary>Verifies the contract's audit chain (a party or the platform, as for its events).</summary>
    [Alias("GetAudit")] Task<Outcome<AuditReport>> GetAuditAsync(Caller caller);

    [Alias("AddMilestone")] Task<Outcome<ContractResult>> AddMilestoneAsync(Caller caller, AddMilestone command, CommandOptions options);
    [Alias("EditMilestone")] Task<Outcome<ContractResult>> EditMilestoneAsync(Caller caller, EditMilestone command, CommandOptions options);
    [Alias("DeleteMilestone")] Task<Outcome<ContractResult>> DeleteMilestoneAsync(Caller caller, DeleteMilestone command, CommandOptions options);
    [Alias("AcceptTerms")] Task<Outcome<ContractResult>> AcceptTermsAsync(Caller caller, int termsVersion, CommandOptions options);
    [Alias("Decline")] Task<Outcome<ContractResult>> DeclineAsync(Caller caller, string? message, CommandOptions options);
    [Alias("Withdraw")] Task<Outcome<ContractResult>> WithdrawAsync(Caller caller, string? message, CommandOptions options);
    [Alias("End")] Task<Outcome<ContractResult>> EndAsync(Caller caller, EndContract command, CommandOptions options);

    [Alias("Fund")] Task<Outcome<ContractResult>> FundMilestoneAsync(Caller caller, string milestoneId, CommandOptions options);
    [Alias("Submit")] Task<Outcome<ContractResult>> SubmitWorkAsync(Caller caller, SubmitWork command, CommandOptions options);
    [Alias("Approve")] Task<Outcome<ContractResult>> ApproveMilestoneAsync(Caller caller, ApproveWork command, CommandOptions options);
    [Alias("RequestChanges")] Task<Outcome<ContractResult>> RequestChangesAsync(Caller caller, RequestChanges command, CommandOptions options);

    /// <summary>The client pays the freelancer a bonus from its available balance (the created id is the bonus's).</summary>
    [Alias("PayBonus")] Task<Outcome<ContractResult>> PayBonusAsync(Caller caller, PayMoney command, CommandOptions options);

    /// <summary>The freelancer returns money a release paid it (the created id is the refund's).</summary>
    [Alias("IssueRefund")] Task<Outcome<ContractResult>> IssueRefundAsync(Caller caller, PayMoney command, CommandOptions options);

    [Alias("ProposeChange")] Task<Outcome<ContractResult>> ProposeChangeAsync(Caller caller, ProposeChange command, CommandOptions options);
    [Alias("AcceptChange")] Task<Outcome<ContractResult>> AcceptChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options);
    [Alias("DeclineChange")] Task<Outcome<ContractResult>> DeclineChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options);
    [Alias("WithdrawChange")] Task<Outcome<ContractResult>> WithdrawChangeAsync(Caller caller, string changeRequestId, string? message, CommandOptions options);
}
