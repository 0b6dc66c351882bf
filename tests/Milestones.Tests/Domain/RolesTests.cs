using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// Who may do what: every command by the client, the freelancer, the platform and a stranger. A stranger
/// learns nothing (contract_not_found); a party whose role does not allow the command gets role_not_allowed.
/// </summary>
public sealed class RolesTests
{
    private const string OK = "ok";
    private const string Forbidden = "role_not_allowed";
    private const string NotFound = "contract_not_found";

    private static readonly string[] Roles = ["client", "freelancer", "platform", "stranger"];

    /// <summary>The spec: command (in a state where it is otherwise valid) × caller role.</summary>
    private static readonly Dictionary<string, string[]> Grid = new()
    {
        //                               client     freelancer platform   stranger
        ["AddMilestone in draft"] =      [OK,        OK,        Forbidden, NotFound],
        ["EditMilestone in draft"] =     [OK,        OK,        Forbidden, NotFound],
        ["DeleteMilestone in draft"] =   [OK,        OK,        Forbidden, NotFound],
        ["AddMilestone when active"] =   [OK,        Forbidden, Forbidden, NotFound],
        ["EditMilestone when active"] =  [OK,        Forbidden, Forbidden, NotFound],
        ["DeleteMilestone when active"] = [OK,       Forbidden, Forbidden, NotFound],
        ["AcceptTerms"] =                [OK,        OK,        Forbidden, NotFound],
        ["Decline"] =                    [Forbidden, OK,        Forbidden, NotFound],
        ["Withdraw"] =                   [OK,        Forbidden, Forbidden, NotFound],
        ["End choosing refund"] =        [OK,        OK,        OK,        NotFound],
        ["End choosing release"] =       [OK,        Forbidden, OK,        NotFound],
        ["Fund"] =                       [OK,        Forbidden, Forbidden, NotFound],
        ["Submit"] =                     [Forbidden, OK,        Forbidden, NotFound],
        ["Approve"] =                    [OK,        Forbidden, Forbidden, NotFound],
        ["RequestChanges"] =             [OK,        Forbidden, Forbidden, NotFound],
        ["ProposeChange"] =              [Forbidden, OK,        Forbidden, NotFound],
        ["AcceptChange"] =               [OK,        Forbidden, Forbidden, NotFound],
        ["DeclineChange"] =              [OK,        Forbidden, Forbidden, NotFound],
        ["WithdrawChange"] =             [Forbidden, OK,        Forbidden, NotFound],
    };

    private static readonly Dictionary<string, (Func<Contract> Arrange, Func<Contract, Caller, Error?> Act)> Commands = new()
    {
        ["AddMilestone in draft"] = (() => ContractBuilder.New().Draft(), (c, who) => c.AddMilestone(who, new AddMilestone("Extra", Due, 5_000), Now)),
        ["EditMilestone in draft"] = (() => ContractBuilder.New().Draft(), (c, who) => c.EditMilestone(who, new EditMilestone("m2", Amount: 21_000), Now)),
        ["DeleteMilestone in draft"] = (() => ContractBuilder.New().Draft(), (c, who) => c.DeleteMilestone(who, new DeleteMilestone("m2"), Now)),
        ["AddMilestone when active"] = (() => ContractBuilder.New().Active(), (c, who) => c.AddMilestone(who, new AddMilestone("Extra", Due, 5_000), Now)),
        ["EditMilestone when active"] = (() => ContractBuilder.New().Active(), (c, who) => c.EditMilestone(who, new EditMilestone("m2", Amount: 21_000), Now)),
        ["DeleteMilestone when active"] = (() => ContractBuilder.New().Active(), (c, who) => c.DeleteMilestone(who, new DeleteMilestone("m2"), Now)),
        ["AcceptTerms"] = (() => ContractBuilder.New().Draft(), (c, who) => c.AcceptTerms(who, 1, Now)),
        ["Decline"] = (() => ContractBuilder.New().Draft(), (c, who) => c.Decline(who, null, Now)),
        ["Withdraw"] = (() => ContractBuilder.New().Draft(), (c, who) => c.Withdraw(who, null, Now)),
        ["End choosing refund"] = (() => ContractBuilder.New().Submitted(1), (c, who) => c.End(who, new EndContract(HeldFunds.Refund), Now)),
        ["End choosing release"] = (() => ContractBuilder.New().Submitted(1), (c, who) => c.End(who, new EndContract(HeldFunds.Release), Now)),
        ["Fund"] = (() => ContractBuilder.New().Active(), (c, who) => c.Fund(who, "m1")),
        ["Submit"] = (() => ContractBuilder.New().Funded(1), (c, who) => c.Submit(who, new SubmitWork("m1", "Done"), Now)),
        ["Approve"] = (() => ContractBuilder.New().Submitted(1), (c, who) => c.Approve(who, new ApproveWork("m1"), Now)),
        ["RequestChanges"] = (() => ContractBuilder.New().Submitted(1), (c, who) => c.RequestChanges(who, new RequestChanges("m1", "Fix it"), Now)),
        ["ProposeChange"] = (() => ContractBuilder.New().Active(), (c, who) => c.ProposeChange(who, ContractBuilder.ProposeLowerM3, Now)),
        ["AcceptChange"] = (() => ContractBuilder.New().WithOpenChangeRequest(), (c, who) => c.AcceptChange(who, "cr1", null, Now)),
        ["DeclineChange"] = (() => ContractBuilder.New().WithOpenChangeRequest(), (c, who) => c.DeclineChange(who, "cr1", null, Now)),
        ["WithdrawChange"] = (() => ContractBuilder.New().WithOpenChangeRequest(), (c, who) => c.WithdrawChange(who, "cr1", null, Now)),
    };

    public static TheoryData<string, string, string> Pairs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (command, row) in Grid)
        {
            for (var i = 0; i < Roles.Length; i++)
            {
                data.Add(command, Roles[i], row[i]);
            }
        }

        return data;
    }

    [Fact]
    public void Grid_NamesEveryCommandItRuns() => Assert.Equal(Commands.Keys.Order(), Grid.Keys.Order());

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Command_ByEachRole_IsAllowedOrRejectedAsTheGridSays(string command, string role, string expected)
    {
        var (arrange, act) = Commands[command];
        var contract = arrange();
        var caller = Caller(role);

        if (expected == OK)
        {
            Ok(act(contract, caller));
        }
        else
        {
            contract.Rejects(c => act(c, caller), expected);
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Command_OnAContractThatDoesNotExist_IsNotFound_ForEveryone(string command, string role, string expected)
    {
        _ = expected;
        var contract = new Contract(new ContractState(), ContractRules.Default);
        contract.Rejects(c => Commands[command].Act(c, Caller(role)), NotFound);
    }

    [Fact]
    public void Stranger_IsNotFound_EvenWhenTheCommandWouldBeInvalid()
    {
        var contract = ContractBuilder.New().Completed();
        contract.Rejects(c => c.Fund(Stranger, "no-such-milestone"), NotFound);
        contract.Rejects(c => c.AcceptTerms(Stranger, 99, Now), NotFound);
    }

    [Fact]
    public void RoleOf_NamesEachCaller()
    {
        var contract = ContractBuilder.New().Draft();
        Assert.Equal(PartyRole.Client, contract.RoleOf(Client));
        Assert.Equal(PartyRole.Freelancer, contract.RoleOf(Freelancer));
        Assert.Equal(PartyRole.Platform, contract.RoleOf(Platform));
        Assert.Equal(PartyRole.Stranger, contract.RoleOf(Stranger));
    }

    [Fact]
    public void PlatformToken_CountsAsPlatform_EvenForThePartysOwnUserId()
    {
        var contract = ContractBuilder.New().Active();
        var clientWithPlatformToken = new Caller(Client.UserId, IsPlatform: true);

        Assert.Equal(PartyRole.Platform, contract.RoleOf(clientWithPlatformToken));
        contract.Rejects(c => c.Fund(clientWithPlatformToken, "m1"), Forbidden);
    }

    [Fact]
    public void Create_ByPlatform_IsRejected()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);
        contract.Rejects(c => c.Create(Platform, ContractId, ContractBuilder.Offer(10_000), Now), Forbidden);
    }

    [Fact]
    public void Create_ByAnyUser_MakesThatUserTheClient()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);

        Ok(contract.Create(Stranger, ContractId, ContractBuilder.Offer(10_000), Now));

        Assert.Equal(Stranger.UserId, contract.State.ClientId);
        Assert.Equal(PartyRole.Client, contract.RoleOf(Stranger));
        Assert.Equal(PartyRole.Stranger, contract.RoleOf(Client));
    }

    [Fact]
    public void RoleNotAllowed_IsForbidden_AndNotFound_IsNotFound()
    {
        var contract = ContractBuilder.New().Active();
        Assert.Equal(ErrorKind.Forbidden, contract.Rejects(c => c.Fund(Freelancer, "m1"), Forbidden).Kind);
        Assert.Equal(ErrorKind.NotFound, contract.Rejects(c => c.Fund(Stranger, "m1"), NotFound).Kind);
    }
}
