using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>The draft ("interview phase"): the offer, edits by either party, acceptance of the same terms version.</summary>
public sealed class NegotiationTests
{
    public static TheoryData<string> Parties() => ["client", "freelancer"];

    [Fact]
    public void Create_WithAValidOffer_MakesADraftAtTermsVersion1WithPendingMilestonesInOrder()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);

        Ok(contract.Create(Client, ContractId, ContractBuilder.Offer(10_000, 20_000, 30_000), Now));

        var s = contract.State;
        Assert.True(s.Exists);
        Assert.Equal((ContractId, "Build a shop", Client.UserId, Freelancer.UserId, Usd), (s.Id, s.Title, s.ClientId, s.FreelancerId, s.Currency));
        Assert.Equal(ContractStatus.Draft, s.Status);
        Assert.Equal(1, s.TermsVersion);
        Assert.False(s.ClientAccepted);
        Assert.False(s.FreelancerAccepted);
        Assert.Equal(["m1", "m2", "m3"], s.Milestones.Select(m => m.Id));
        Assert.Equal([10_000L, 20_000L, 30_000L], s.Milestones.Select(m => m.Amount));
        Assert.Equal(["Part 1", "Part 2", "Part 3"], s.Milestones.Select(m => m.Description));
        Assert.All(s.Milestones, m => Assert.Equal((MilestoneStatus.Pending, Due), (m.Status, m.DueDate)));
        Assert.Equal(Now, s.CreatedAt);
        Assert.Null(s.OpenTransfer);
    }

    [Fact]
    public void Price_IsTheSumOfTheMilestones_AndFollowsEdits()
    {
        var contract = ContractBuilder.New().Draft();
        Assert.Equal(60_000, contract.Price);

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", Amount: 25_000), Now));
        Ok(contract.AddMilestone(Freelancer, new AddMilestone("Support", Due, 1_000), Now));
        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m1"), Now));

        Assert.Equal(25_000 + 30_000 + 1_000, contract.Price);
    }

    [Fact]
    public void Create_WhenTheContractExists_IsRejected()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(5_000), Now), "contract_already_exists");
    }

    [Fact]
    public void Create_WithTheClientAsFreelancer_IsRejected()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);
        var offer = ContractBuilder.Offer(5_000) with { FreelancerId = Client.UserId };
        contract.Rejects(c => c.Create(Client, ContractId, offer, Now), "parties_must_differ");
    }

    [Theory]
    [MemberData(nameof(Parties))]
    public void AddMilestone_InDraft_ByEitherParty_BumpsTermsVersionAndClearsAcceptances(string role)
    {
        var contract = AcceptedByClient();

        Ok(contract.AddMilestone(Caller(role), new AddMilestone("Support", Due, 4_000), Now));

        AssertNewTermsVersion(contract, 2);
        Assert.Equal(["m1", "m2", "m3", "m4"], contract.State.Milestones.Select(m => m.Id));
        Assert.Equal(4_000, contract.Milestone("m4").Amount);
        Assert.Equal("m4", contract.LastMilestoneId);
    }

    [Theory]
    [MemberData(nameof(Parties))]
    public void EditMilestone_InDraft_ByEitherParty_ChangesOnlyTheGivenFields_AndBumpsTermsVersion(string role)
    {
        var contract = AcceptedByClient();
        var newDue = Due.AddDays(10);

        Ok(contract.EditMilestone(Caller(role), new EditMilestone("m2", DueDate: newDue, Amount: 22_000), Now));

        AssertNewTermsVersion(contract, 2);
        var m2 = contract.Milestone("m2");
        Assert.Equal(("Part 2", newDue, 22_000L), (m2.Description, m2.DueDate, m2.Amount));
    }

    [Theory]
    [MemberData(nameof(Parties))]
    public void DeleteMilestone_InDraft_ByEitherParty_RemovesIt_AndBumpsTermsVersion(string role)
    {
        var contract = AcceptedByClient();

        Ok(contract.DeleteMilestone(Caller(role), new DeleteMilestone("m2"), Now));

        AssertNewTermsVersion(contract, 2);
        Assert.Equal(["m1", "m3"], contract.State.Milestones.Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Parties))]
    public void ReorderMilestone_InDraft_ByEitherParty_MovesIt_AndBumpsTermsVersion(string role)
    {
        var contract = AcceptedByClient();

        Ok(contract.EditMilestone(Caller(role), new EditMilestone("m3", Position: 1), Now));

        AssertNewTermsVersion(contract, 2);
        Assert.Equal(["m3", "m1", "m2"], contract.State.Milestones.Select(m => m.Id));
    }

    [Fact]
    public void AddMilestone_AtAPosition_InsertsItThere()
    {
        var contract = ContractBuilder.New().Draft();

        Ok(contract.AddMilestone(Client, new AddMilestone("Design", Due, 5_000, Position: 2), Now));

        Assert.Equal(["m1", "m4", "m2", "m3"], contract.State.Milestones.Select(m => m.Id));
    }

    [Fact]
    public void MilestoneIds_AreNeverReused_AfterADelete()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.DeleteMilestone(Client, new DeleteMilestone("m3"), Now));

        Ok(contract.AddMilestone(Client, new AddMilestone("Again", Due, 5_000), Now));

        Assert.Equal(["m1", "m2", "m4"], contract.State.Milestones.Select(m => m.Id));
    }

    [Fact]
    public void DeleteMilestone_WhenItIsTheLastOne_IsRejected()
    {
        var contract = ContractBuilder.New().WithAmounts(10_000).Draft();
        contract.Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m1"), Now), "last_milestone");
    }

    [Fact]
    public void EditMilestone_WithNothingToChange_IsRejected()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1"), Now), "nothing_to_change");
    }

    [Fact]
    public void EditMilestone_OfAnUnknownMilestone_IsRejected()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m9", Amount: 1), Now), "milestone_not_found");
        contract.Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m9"), Now), "milestone_not_found");
    }

    [Fact]
    public void AcceptTerms_ByOneParty_KeepsTheDraft()
    {
        var contract = ContractBuilder.New().Draft();

        Ok(contract.AcceptTerms(Freelancer, 1, Now));

        Assert.Equal(ContractStatus.Draft, contract.State.Status);
        Assert.True(contract.State.FreelancerAccepted);
        Assert.False(contract.State.ClientAccepted);
    }

    [Fact]
    public void AcceptTerms_ByBothPartiesOnTheSameVersion_ActivatesWithNothingFunded()
    {
        var contract = ContractBuilder.New().Draft();

        Ok(contract.AcceptTerms(Client, 1, Now));
        Ok(contract.AcceptTerms(Freelancer, 1, Now));

        Assert.Equal(ContractStatus.Active, contract.State.Status);
        Assert.All(contract.State.Milestones, m => Assert.Equal(MilestoneStatus.Pending, m.Status));
        Assert.Null(contract.State.OpenTransfer);
        Assert.Equal(0, contract.State.Funded);
    }

    [Fact]
    public void AcceptTerms_WithAnOldVersion_IsRejectedAsAConflict()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.EditMilestone(Freelancer, new EditMilestone("m1", Amount: 12_000), Now));

        var error = contract.Rejects(c => c.AcceptTerms(Client, 1, Now), "terms_version_mismatch");

        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void AcceptTerms_WithAVersionThatDoesNotExistYet_IsRejected()
    {
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.AcceptTerms(Client, 2, Now), "terms_version_mismatch");
    }

    [Fact]
    public void AcceptTerms_Twice_IsRejected()
    {
        var contract = AcceptedByClient();
        contract.Rejects(c => c.AcceptTerms(Client, 1, Now), "terms_already_accepted");
    }

    [Fact]
    public void AcceptTerms_AfterTheOtherPartyEdited_IsNeededAgain_OnTheNewVersion()
    {
        var contract = AcceptedByClient();
        Ok(contract.EditMilestone(Freelancer, new EditMilestone("m1", Amount: 15_000), Now));

        Ok(contract.AcceptTerms(Freelancer, 2, Now));
        Assert.Equal(ContractStatus.Draft, contract.State.Status);

        Ok(contract.AcceptTerms(Client, 2, Now));
        Assert.Equal(ContractStatus.Active, contract.State.Status);
        Assert.Equal(15_000, contract.Milestone("m1").Amount);
    }

    [Fact]
    public void Withdraw_ByTheClient_ClosesTheDraft()
    {
        var contract = ContractBuilder.New().Draft();

        Ok(contract.Withdraw(Client, "Found someone else", Now));

        Assert.Equal(ContractStatus.Withdrawn, contract.State.Status);
        Assert.Equal(("contract.withdrawn", "Found someone else"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void Decline_ByTheFreelancer_ClosesTheDraft_EvenAfterAccepting()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.AcceptTerms(Freelancer, 1, Now));

        Ok(contract.Decline(Freelancer, "Too busy", Now));

        Assert.Equal(ContractStatus.Declined, contract.State.Status);
        Assert.Equal(("contract.declined", "Too busy"), (contract.LastEvent().Type, contract.LastEvent().Message));
    }

    [Fact]
    public void AClosedDraft_TakesNoMoreEditsOrAcceptances()
    {
        var contract = ContractBuilder.New().Withdrawn();
        contract.Rejects(c => c.AddMilestone(Freelancer, new AddMilestone("More", Due, 1_000), Now), "contract_state_conflict");
        contract.Rejects(c => c.AcceptTerms(Freelancer, 1, Now), "contract_state_conflict");
        contract.Rejects(c => c.Decline(Freelancer, null, Now), "contract_state_conflict");
    }

    private static Contract AcceptedByClient()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.AcceptTerms(Client, 1, Now));
        Assert.True(contract.State.ClientAccepted);
        return contract;
    }

    private static void AssertNewTermsVersion(Contract contract, int version)
    {
        Assert.Equal(version, contract.State.TermsVersion);
        Assert.False(contract.State.ClientAccepted);
        Assert.False(contract.State.FreelancerAccepted);
        Assert.Equal(ContractStatus.Draft, contract.State.Status);
    }
}
