using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// The two transition tables, written out here as the spec: every state × command pair, allowed (the status it
/// leads to) or rejected (the exact error code, with the state unchanged). Each pair is run through the real
/// commands, and the tables in <see cref="Transitions"/> are compared with the same grids.
/// </summary>
public sealed class TransitionTableTests
{
    private const string Conflict = "contract_state_conflict";
    private const string Locked = "milestone_locked";
    private const string NotFundable = "milestone_not_fundable";
    private const string WrongState = "milestone_state_conflict";
    private const string NothingDue = "nothing_due";
    private const string Deleted = "(deleted)";
    private const string X = Conflict;
    private const string NothingReleased = "refund_exceeds_released";

    private static readonly ContractCommand[] ContractColumns =
    [
        ContractCommand.EditTerms, ContractCommand.AcceptTerms, ContractCommand.Decline, ContractCommand.Withdraw,
        ContractCommand.End, ContractCommand.Fund, ContractCommand.Submit, ContractCommand.Approve,
        ContractCommand.RequestChanges, ContractCommand.AutoRelease, ContractCommand.ProposeChange,
        ContractCommand.DecideChange, ContractCommand.WithdrawChange, ContractCommand.PayBonus, ContractCommand.IssueRefund,
    ];

    /// <summary>Contract status × command: the status the contract ends up in, or the error code.</summary>
    private static readonly Dictionary<ContractStatus, string[]> ContractGrid = new()
    {
        //                           EditTerms AcceptTerms Decline     Withdraw     End      Fund      Submit    Approve   RequestChanges AutoRelease ProposeChange DecideChange WithdrawChange PayBonus     IssueRefund
        [ContractStatus.Draft] =     ["Draft",  "Active",  "Declined", "Withdrawn", X,       X,        X,        X,        X,             X,          X,            X,           X,             X,           X],
        [ContractStatus.Active] =    ["Active", X,         X,          X,           "Ended", "Active", "Active", "Active", "Active",      "Active",   "Active",     "Active",    "Active",      "Active",    "Active"],
        [ContractStatus.Completed] = [X,        X,         X,          X,           X,       X,        X,        X,        X,             X,          X,            X,           X,             "Completed", "Completed"],
        [ContractStatus.Ended] =     [X,        X,         X,          X,           X,       X,        X,        X,        X,             X,          X,            X,           X,             "Ended",     NothingReleased],
        [ContractStatus.Withdrawn] = [X,        X,         X,          X,           X,       X,        X,        X,        X,             X,          X,            X,           X,             X,           X],
        [ContractStatus.Declined] =  [X,        X,         X,          X,           X,       X,        X,        X,        X,             X,          X,            X,           X,             X,           X],
    };

    private static readonly MilestoneCommand[] MilestoneColumns =
    [
        MilestoneCommand.Edit, MilestoneCommand.Delete, MilestoneCommand.Fund, MilestoneCommand.Submit,
        MilestoneCommand.Approve, MilestoneCommand.RequestChanges, MilestoneCommand.AutoRelease,
        MilestoneCommand.EndRefund, MilestoneCommand.EndRelease, MilestoneCommand.EndCancel,
    ];

    /// <summary>
    /// Milestone status × command, run on m1 of a three-milestone contract: the status m1 ends up in, or the
    /// error code. EndRefund / EndRelease are "the client ends the contract choosing refund / release";
    /// EndCancel is "the client ends the contract" (refund). Ending moves a held milestone to Refunded or
    /// Released, cancels a Pending one and leaves a Released one alone. Refunded and Cancelled milestones only
    /// exist on an ended contract, so the contract's own table rejects everything first.
    /// </summary>
    private static readonly Dictionary<MilestoneStatus, string[]> MilestoneGrid = new()
    {
        //                            Edit       Delete   Fund         Submit       Approve      RequestChanges AutoRelease EndRefund    EndRelease   EndCancel
        [MilestoneStatus.Pending] =   ["Pending", Deleted, "Funded",    WrongState,  WrongState,  WrongState,    NothingDue, "Cancelled", "Cancelled", "Cancelled"],
        [MilestoneStatus.Funded] =    [Locked,    Locked,  NotFundable, "Submitted", WrongState,  WrongState,    NothingDue, "Refunded",  "Released",  "Refunded"],
        [MilestoneStatus.Submitted] = [Locked,    Locked,  NotFundable, WrongState,  "Released",  "Funded",      "Released", "Refunded",  "Released",  "Refunded"],
        [MilestoneStatus.Released] =  [Locked,    Locked,  NotFundable, WrongState,  WrongState,  WrongState,    NothingDue, "Released",  "Released",  "Released"],
        [MilestoneStatus.Refunded] =  [Conflict,  Conflict, Conflict,   Conflict,    Conflict,    Conflict,      Conflict,   Conflict,    Conflict,    Conflict],
        [MilestoneStatus.Cancelled] = [Conflict,  Conflict, Conflict,   Conflict,    Conflict,    Conflict,      Conflict,   Conflict,    Conflict,    Conflict],
    };

    /// <summary>The pure milestone table: where each command takes a milestone, or "-" when it is not allowed.</summary>
    private static readonly Dictionary<MilestoneStatus, string[]> PureMilestoneGrid = new()
    {
        //                            Edit       Delete     Fund      Submit       Approve     RequestChanges AutoRelease EndRefund   EndRelease  EndCancel
        [MilestoneStatus.Pending] =   ["Pending", "Pending", "Funded", "-",         "-",        "-",           "-",        "-",        "-",        "Cancelled"],
        [MilestoneStatus.Funded] =    ["-",       "-",       "-",      "Submitted", "-",        "-",           "-",        "Refunded", "Released", "-"],
        [MilestoneStatus.Submitted] = ["-",       "-",       "-",      "-",         "Released", "Funded",      "Released", "Refunded", "Released", "-"],
        [MilestoneStatus.Released] =  ["-",       "-",       "-",      "-",         "-",        "-",           "-",        "-",        "-",        "-"],
        [MilestoneStatus.Refunded] =  ["-",       "-",       "-",      "-",         "-",        "-",           "-",        "-",        "-",        "-"],
        [MilestoneStatus.Cancelled] = ["-",       "-",       "-",      "-",         "-",        "-",           "-",        "-",        "-",        "-"],
    };

    public static TheoryData<ContractStatus, ContractCommand, string> ContractPairs() =>
        Pairs(ContractGrid, ContractColumns);

    public static TheoryData<MilestoneStatus, MilestoneCommand, string> MilestonePairs() =>
        Pairs(MilestoneGrid, MilestoneColumns);

    public static TheoryData<MilestoneStatus, MilestoneCommand, string> PureMilestonePairs() =>
        Pairs(PureMilestoneGrid, MilestoneColumns);

    [Fact]
    public void Grids_CoverEveryStatusAndEveryCommand()
    {
        Assert.Equal(Enum.GetValues<ContractCommand>().Order(), ContractColumns.Order());
        Assert.Equal(Enum.GetValues<MilestoneCommand>().Order(), MilestoneColumns.Order());
        Assert.Equal(Enum.GetValues<ContractStatus>().Order(), ContractGrid.Keys.Order());
        Assert.Equal(Enum.GetValues<MilestoneStatus>().Order(), MilestoneGrid.Keys.Order());
        Assert.Equal(Enum.GetValues<MilestoneStatus>().Order(), PureMilestoneGrid.Keys.Order());
        Assert.Equal(6 * 15, ContractPairs().Count);
        Assert.Equal(6 * 10, MilestonePairs().Count);
    }

    [Theory]
    [MemberData(nameof(ContractPairs))]
    public void ContractTable_MatchesTransitions(ContractStatus status, ContractCommand command, string expected) =>
        Assert.Equal(expected != Conflict, Transitions.Allows(status, command));

    [Theory]
    [MemberData(nameof(PureMilestonePairs))]
    public void MilestoneTable_MatchesTransitions(MilestoneStatus status, MilestoneCommand command, string expected) =>
        Assert.Equal(expected == "-" ? null : Enum.Parse<MilestoneStatus>(expected), Transitions.Next(status, command));

    [Theory]
    [MemberData(nameof(ContractPairs))]
    public void ContractCommand_InEachStatus_IsAllowedOrRejectedAsTheTableSays(ContractStatus status, ContractCommand command, string expected)
    {
        var contract = ArrangeContract(status, command);
        Assert.Equal(status, contract.State.Status);
        Func<Contract, Error?> act = c => ActOnContract(c, command);

        if (Enum.TryParse<ContractStatus>(expected, out var next))
        {
            Ok(act(contract));
            ApplyOpenTransfer(contract);
            Assert.Equal(next, contract.State.Status);
        }
        else
        {
            contract.Rejects(act, expected);
        }
    }

    [Theory]
    [MemberData(nameof(MilestonePairs))]
    public void MilestoneCommand_InEachStatus_IsAllowedOrRejectedAsTheTableSays(MilestoneStatus status, MilestoneCommand command, string expected)
    {
        var contract = ArrangeMilestone(status);
        Assert.Equal(status, contract.Milestone("m1").Status);
        Func<Contract, Error?> act = c => ActOnMilestone(c, command);

        if (expected == Deleted)
        {
            Ok(act(contract));
            Assert.Null(contract.FindMilestone("m1"));
        }
        else if (Enum.TryParse<MilestoneStatus>(expected, out var next))
        {
            Ok(act(contract));
            ApplyOpenTransfer(contract);
            Assert.Equal(next, contract.Milestone("m1").Status);
        }
        else
        {
            contract.Rejects(act, expected);
        }
    }

    /// <summary>A contract in <paramref name="status"/> where <paramref name="command"/> is otherwise valid.</summary>
    private static Contract ArrangeContract(ContractStatus status, ContractCommand command)
    {
        var builder = ContractBuilder.New();
        if (status == ContractStatus.Draft && command == ContractCommand.AcceptTerms)
        {
            var draft = builder.Draft();
            Ok(draft.AcceptTerms(Freelancer, 1, Now));
            return draft;
        }

        if (status != ContractStatus.Active)
        {
            return builder.In(status);
        }

        return command switch
        {
            ContractCommand.Submit => builder.Funded(1),
            ContractCommand.Approve or ContractCommand.RequestChanges or ContractCommand.AutoRelease => builder.Submitted(1),
            ContractCommand.End => builder.Funded(1),
            ContractCommand.DecideChange or ContractCommand.WithdrawChange => builder.WithOpenChangeRequest(),
            ContractCommand.IssueRefund => builder.Released(1),
            _ => builder.Active(),
        };
    }

    private static Error? ActOnContract(Contract c, ContractCommand command) => command switch
    {
        ContractCommand.EditTerms => c.AddMilestone(Client, new AddMilestone("Extra", Due, 5_000), Now),
        ContractCommand.AcceptTerms => c.AcceptTerms(Client, c.State.TermsVersion, Now),
        ContractCommand.Decline => c.Decline(Freelancer, null, Now),
        ContractCommand.Withdraw => c.Withdraw(Client, null, Now),
        ContractCommand.End => c.End(Client, new EndContract(HeldFunds.Refund), Now),
        ContractCommand.Fund => c.Fund(Client, "m1"),
        ContractCommand.Submit => c.Submit(Freelancer, new SubmitWork("m1", "Done"), Now),
        ContractCommand.Approve => c.Approve(Client, new ApproveWork("m1"), Now),
        ContractCommand.RequestChanges => c.RequestChanges(Client, new RequestChanges("m1", "Please fix the footer"), Now),
        ContractCommand.AutoRelease => c.AutoRelease(Now.AddDays(30)),
        ContractCommand.ProposeChange => c.ProposeChange(Freelancer, ContractBuilder.ProposeLowerM3, Now),
        ContractCommand.DecideChange => c.AcceptChange(Client, "cr1", null, Now),
        ContractCommand.WithdrawChange => c.WithdrawChange(Freelancer, "cr1", null, Now),
        ContractCommand.PayBonus => c.PayBonus(Client, new PayMoney(500), Now),
        ContractCommand.IssueRefund => c.IssueRefund(Freelancer, new PayMoney(1), Now),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    /// <summary>A three-milestone contract whose m1 is in <paramref name="status"/> (m2, m3 Pending or Cancelled).</summary>
    private static Contract ArrangeMilestone(MilestoneStatus status)
    {
        var builder = ContractBuilder.New();
        return status switch
        {
            MilestoneStatus.Pending => builder.Active(),
            MilestoneStatus.Funded => builder.Funded(1),
            MilestoneStatus.Submitted => builder.Submitted(1),
            MilestoneStatus.Released => builder.Released(1),
            MilestoneStatus.Refunded => builder.EndedWithRefund(),
            MilestoneStatus.Cancelled => builder.Ended(),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
    }

    private static Error? ActOnMilestone(Contract c, MilestoneCommand command) => command switch
    {
        MilestoneCommand.Edit => c.EditMilestone(Client, new EditMilestone("m1", Description: "Part 1, revised"), Now),
        MilestoneCommand.Delete => c.DeleteMilestone(Client, new DeleteMilestone("m1"), Now),
        MilestoneCommand.Fund => c.Fund(Client, "m1"),
        MilestoneCommand.Submit => c.Submit(Freelancer, new SubmitWork("m1", "Done"), Now),
        MilestoneCommand.Approve => c.Approve(Client, new ApproveWork("m1"), Now),
        MilestoneCommand.RequestChanges => c.RequestChanges(Client, new RequestChanges("m1", "Please fix the footer"), Now),
        MilestoneCommand.AutoRelease => c.AutoRelease(Now.AddDays(30)),
        MilestoneCommand.EndRefund or MilestoneCommand.EndCancel => c.End(Client, new EndContract(HeldFunds.Refund), Now),
        MilestoneCommand.EndRelease => c.End(Client, new EndContract(HeldFunds.Release), Now),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    private static void ApplyOpenTransfer(Contract contract)
    {
        if (contract.State.OpenTransfer is not null)
        {
            contract.TransferApplied(Now);
        }
    }

    private static TheoryData<TStatus, TCommand, string> Pairs<TStatus, TCommand>(Dictionary<TStatus, string[]> grid, TCommand[] columns)
        where TStatus : struct, Enum
        where TCommand : struct, Enum
    {
        var data = new TheoryData<TStatus, TCommand, string>();
        foreach (var status in Enum.GetValues<TStatus>())
        {
            var row = grid[status];
            Assert.Equal(columns.Length, row.Length);
            for (var i = 0; i < columns.Length; i++)
            {
                data.Add(status, columns[i], row[i]);
            }
        }

        return data;
    }
}
