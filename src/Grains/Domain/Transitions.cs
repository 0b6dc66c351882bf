using System.Collections.Frozen;

namespace Milestones.Domain;

/// <summary>
/// The two transition tables: in which contract status each command is allowed, and where each milestone
/// command takes a milestone. Anything not listed is rejected with an error, never ignored.
/// </summary>
public static class Transitions
{
    private static readonly FrozenDictionary<ContractCommand, ContractStatus[]> ContractTable =
        new Dictionary<ContractCommand, ContractStatus[]>
        {
            [ContractCommand.EditTerms] = [ContractStatus.Draft, ContractStatus.Active],
            [ContractCommand.AcceptTerms] = [ContractStatus.Draft],
            [ContractCommand.Decline] = [ContractStatus.Draft],
            [ContractCommand.Withdraw] = [ContractStatus.Draft],
            [ContractCommand.End] = [ContractStatus.Active],
            [ContractCommand.Fund] = [ContractStatus.Active],
            [ContractCommand.Submit] = [ContractStatus.Active],
            [ContractCommand.Approve] = [ContractStatus.Active],
            [ContractCommand.RequestChanges] = [ContractStatus.Active],
            [ContractCommand.AutoRelease] = [ContractStatus.Active],
            [ContractCommand.ProposeChange] = [ContractStatus.Active],
            [ContractCommand.DecideChange] = [ContractStatus.Active],
            [ContractCommand.WithdrawChange] = [ContractStatus.Active],
            [ContractCommand.PayBonus] = [ContractStatus.Active, ContractStatus.Completed, ContractStatus.Ended],
            [ContractCommand.IssueRefund] = [ContractStatus.Active, ContractStatus.Completed, ContractStatus.Ended],
        }.ToFrozenDictionary();

    private static readonly FrozenDictionary<(MilestoneStatus, MilestoneCommand), MilestoneStatus> MilestoneTable =
        new Dictionary<(MilestoneStatus, MilestoneCommand), MilestoneStatus>
        {
            [(MilestoneStatus.Pending, MilestoneCommand.Edit)] = MilestoneStatus.Pending,
            [(MilestoneStatus.Pending, MilestoneCommand.Delete)] = MilestoneStatus.Pending,
            [(MilestoneStatus.Pending, MilestoneCommand.Fund)] = MilestoneStatus.Funded,
            [(MilestoneStatus.Pending, MilestoneCommand.EndCancel)] = MilestoneStatus.Cancelled,
            [(MilestoneStatus.Funded, MilestoneCommand.Submit)] = MilestoneStatus.Submitted,
            [(MilestoneStatus.Funded, MilestoneCommand.EndRefund)] = MilestoneStatus.Refunded,
            [(MilestoneStatus.Funded, MilestoneCommand.EndRelease)] = MilestoneStatus.Released,
            [(MilestoneStatus.Submitted, MilestoneCommand.Approve)] = MilestoneStatus.Released,
            [(MilestoneStatus.Submitted, MilestoneCommand.AutoRelease)] = MilestoneStatus.Released,
            [(MilestoneStatus.Submitted, MilestoneCommand.RequestChanges)] = MilestoneStatus.Funded,
            [(MilestoneStatus.Submitted, MilestoneCommand.EndRefund)] = MilestoneStatus.Refunded,
            [(MilestoneStatus.Submitted, MilestoneCommand.EndRelease)] = MilestoneStatus.Released,
        }.ToFrozenDictionary();

    public static bool Allows(ContractStatus status, ContractCommand command) =>
        ContractTable[command].Contains(status);

    public static MilestoneStatus? Next(MilestoneStatus status, MilestoneCommand command) =>
        MilestoneTable.TryGetValue((status, command), out var next) ? next : null;

    /// <summary>Funded and Submitted milestones hold money; at most one does at a time.</summary>
    public static bool HoldsFunds(this MilestoneStatus status) => status is MilestoneStatus.Funded or MilestoneStatus.Submitted;
}
