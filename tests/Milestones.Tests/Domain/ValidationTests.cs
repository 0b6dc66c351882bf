using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>Input checks: amounts, currencies, lengths, due dates, links, positions, counts. Each rejection changes nothing.</summary>
public sealed class ValidationTests
{
    private static readonly long Max = ContractRules.Default.MaxAmount;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static Contract Empty(ContractRules? rules = null) => new(new ContractState(), rules ?? ContractRules.Default);

    private static CreateContract OfferWith(NewMilestone milestone) =>
        ContractBuilder.Offer(10_000) with { Milestones = [milestone] };

    public static TheoryData<long, string> BadAmounts() => new()
    {
        { 0, "invalid_amount" },
        { -1, "invalid_amount" },
        { long.MinValue, "invalid_amount" },
        { ContractRules.Default.MaxAmount + 1, "amount_too_large" },
        { long.MaxValue, "amount_too_large" },
    };

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public void Create_WithABadAmount_IsRejected(long amount, string code)
    {
        var error = Empty().Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone("Work", Due, amount)), Now), code);
        Assert.Equal((ErrorKind.Validation, "milestones[0].amount"), (error.Kind, error.Field));
    }

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public void AddMilestone_WithABadAmount_IsRejected(long amount, string code) =>
        ContractBuilder.New().Active().Rejects(c => c.AddMilestone(Client, new AddMilestone("Work", Due, amount), Now), code);

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public void EditMilestone_WithABadAmount_IsRejected(long amount, string code) =>
        ContractBuilder.New().Draft().Rejects(c => c.EditMilestone(Freelancer, new EditMilestone("m1", Amount: amount), Now), code);

    [Theory]
    [InlineData(1L)]
    [InlineData(ContractRulesMax)]
    public void Amounts_FromOneToTheMaximum_AreAccepted(long amount)
    {
        Ok(Empty().Create(Client, ContractId, OfferWith(new NewMilestone("Work", Due, amount)), Now));
        Ok(ContractBuilder.New().Draft().EditMilestone(Client, new EditMilestone("m1", Amount: amount), Now));
    }

    private const long ContractRulesMax = 1_000_000_000_00;

    [Fact]
    public void TheMaximumUsedAbove_IsTheDefaultRule() => Assert.Equal(ContractRulesMax, Max);

    [Fact]
    public void TheMaximum_IsConfigurable()
    {
        var rules = ContractRules.Default with { MaxAmount = 500 };
        Empty(rules).Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone("Work", Due, 501)), Now), "amount_too_large");
        Ok(Empty(rules).Create(Client, ContractId, OfferWith(new NewMilestone("Work", Due, 500)), Now));
    }

    [Theory]
    [InlineData("XXX")]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("")]
    public void Create_WithAnUnknownCurrency_IsRejected(string currency) =>
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Currency = currency }, Now), "unknown_currency");

    [Theory]
    [InlineData("USD")]
    [InlineData("EUR")]
    [InlineData("JPY")]
    public void Create_WithAKnownCurrency_KeepsIt(string currency)
    {
        var contract = Empty();
        Ok(contract.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Currency = currency }, Now));
        Assert.Equal(currency, contract.State.Currency);
    }

    [Fact]
    public void Create_WithABlankOrOverlongTitle_IsRejected()
    {
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Title = "  " }, Now), "title_required");
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Title = new string('t', Validate.MaxTitleLength + 1) }, Now), "title_too_long");
        Ok(Empty().Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Title = new string('t', Validate.MaxTitleLength) }, Now));
    }

    [Fact]
    public void Create_WithABlankOrOverlongFreelancerId_IsRejected()
    {
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { FreelancerId = "" }, Now), "freelancerId_required");
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { FreelancerId = new string('f', Validate.MaxIdLength + 1) }, Now), "freelancerId_too_long");
    }

    [Fact]
    public void Create_WithNoMilestones_OrANullOne_IsRejected()
    {
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(), Now), "milestones_required");
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Milestones = null! }, Now), "milestones_required");
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Milestones = [null!] }, Now), "milestones_required");
    }

    [Fact]
    public void Create_WithMoreMilestonesThanTheRulesAllow_IsRejected()
    {
        var rules = ContractRules.Default with { MaxMilestones = 2 };
        Empty(rules).Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(1, 2, 3), Now), "too_many_milestones");
        Ok(Empty(rules).Create(Client, ContractId, ContractBuilder.Offer(1, 2), Now));
    }

    [Fact]
    public void AddMilestone_BeyondTheMaximumCount_IsRejected()
    {
        var contract = ContractBuilder.New().WithRules(ContractRules.Default with { MaxMilestones = 3 }).Draft();
        contract.Rejects(c => c.AddMilestone(Client, new AddMilestone("Fourth", Due, 1_000), Now), "too_many_milestones");
    }

    [Fact]
    public void Descriptions_MustBePresentAndNotTooLong()
    {
        var tooLong = new string('d', Validate.MaxDescriptionLength + 1);
        Empty().Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone("", Due, 1)), Now), "description_required");
        Empty().Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone(tooLong, Due, 1)), Now), "description_too_long");
        var contract = ContractBuilder.New().Draft();
        contract.Rejects(c => c.AddMilestone(Client, new AddMilestone(" ", Due, 1), Now), "description_required");
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Description: ""), Now), "description_required");
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Description: tooLong), Now), "description_too_long");
        Ok(contract.EditMilestone(Client, new EditMilestone("m1", Description: new string('d', Validate.MaxDescriptionLength)), Now));
    }

    [Fact]
    public void DueDates_InThePast_AreRejected_TodayIsFine()
    {
        var yesterday = Today.AddDays(-1);
        Empty().Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone("Work", yesterday, 1)), Now), "due_date_in_past");
        var contract = ContractBuilder.New().Active();
        contract.Rejects(c => c.AddMilestone(Client, new AddMilestone("Work", yesterday, 1), Now), "due_date_in_past");
        contract.Rejects(c => c.EditMilestone(Client, new EditMilestone("m2", DueDate: yesterday), Now), "due_date_in_past");

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", DueDate: Today), Now));
    }

    [Fact]
    public void DueDates_AreJudgedByTheUtcDate()
    {
        // 01:00 on 2 January in UTC+5 is still 1 January in UTC: a due date of 1 January is not in the past.
        var lateEveningUtc = new DateTimeOffset(2030, 1, 2, 1, 0, 0, TimeSpan.FromHours(5));
        Ok(Empty().Create(Client, ContractId, OfferWith(new NewMilestone("Work", new DateOnly(2030, 1, 1), 1)), lateEveningUtc));
    }

    [Fact]
    public void AnEditThatLeavesAnOldDueDateAlone_IsAccepted_EvenWhenThatDateHasPassed()
    {
        var contract = ContractBuilder.New().Active();
        var later = new DateTimeOffset(Due.AddDays(5).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        Ok(contract.EditMilestone(Client, new EditMilestone("m2", Amount: 1), later));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    public void AddMilestone_AtAPositionOutOfRange_IsRejected(int position) =>
        ContractBuilder.New().Draft().Rejects(c => c.AddMilestone(Client, new AddMilestone("Work", Due, 1, position), Now), "position_out_of_range");

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void ReorderMilestone_ToAPositionOutOfRange_IsRejected(int position) =>
        ContractBuilder.New().Draft().Rejects(c => c.EditMilestone(Client, new EditMilestone("m1", Position: position), Now), "position_out_of_range");

    [Fact]
    public void AddMilestone_AtTheEndPosition_IsAccepted()
    {
        var contract = ContractBuilder.New().Draft();
        Ok(contract.AddMilestone(Client, new AddMilestone("Work", Due, 1, 4), Now));
        Assert.Equal("m4", contract.State.Milestones[3].Id);
    }

    [Fact]
    public void Messages_LongerThanTheLimit_AreRejected_Everywhere()
    {
        var tooLong = new string('m', Validate.MaxMessageLength + 1);
        ContractBuilder.New().Draft().Rejects(c => c.Withdraw(Client, tooLong, Now), "message_too_long");
        ContractBuilder.New().Draft().Rejects(c => c.Decline(Freelancer, tooLong, Now), "message_too_long");
        ContractBuilder.New().Draft().Rejects(c => c.AddMilestone(Client, new AddMilestone("Work", Due, 1, Message: tooLong), Now), "message_too_long");
        ContractBuilder.New().Draft().Rejects(c => c.DeleteMilestone(Client, new DeleteMilestone("m1", tooLong), Now), "message_too_long");
        ContractBuilder.New().Active().Rejects(c => c.End(Client, new EndContract(HeldFunds.Refund, tooLong), Now), "message_too_long");
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", tooLong), Now), "message_too_long");
        ContractBuilder.New().Submitted(1).Rejects(c => c.RequestChanges(Client, new RequestChanges("m1", tooLong), Now), "message_too_long");
        ContractBuilder.New().Active().Rejects(c => c.ProposeChange(Freelancer, ContractBuilder.ProposeLowerM3 with { Message = tooLong }, Now), "message_too_long");
        ContractBuilder.New().WithOpenChangeRequest().Rejects(c => c.AcceptChange(Client, "cr1", tooLong, Now), "message_too_long");
        ContractBuilder.New().WithOpenChangeRequest().Rejects(c => c.DeclineChange(Client, "cr1", tooLong, Now), "message_too_long");
        ContractBuilder.New().WithOpenChangeRequest().Rejects(c => c.WithdrawChange(Freelancer, "cr1", tooLong, Now), "message_too_long");

        Ok(ContractBuilder.New().Draft().Withdraw(Client, new string('m', Validate.MaxMessageLength), Now));
    }

    public static TheoryData<string> BadLinks() => new()
    {
        "not a url",
        "/relative/path",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "https://example.com/" + new string('a', Validate.MaxLinkLength),
    };

    [Theory]
    [MemberData(nameof(BadLinks))]
    public void Submit_WithABadLink_IsRejected(string link) =>
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", "Done", ["https://example.com/ok", link]), Now), "invalid_link");

    [Fact]
    public void Submit_WithANullLink_IsRejected() =>
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", "Done", [null!]), Now), "invalid_link");

    [Fact]
    public void Submit_WithTooManyLinks_IsRejected_TheMaximumIsFine()
    {
        var links = Enumerable.Range(1, Validate.MaxLinks + 1).Select(i => $"https://example.com/{i}").ToList();
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", "Done", links), Now), "too_many_links");
        Ok(ContractBuilder.New().Funded(1).Submit(Freelancer, new SubmitWork("m1", "Done", links.Take(Validate.MaxLinks).ToList()), Now));
    }

    [Fact]
    public void Submit_WithNoLinks_IsFine()
    {
        var contract = ContractBuilder.New().Funded(1);
        Ok(contract.Submit(Freelancer, new SubmitWork("m1", "Done"), Now));
        Assert.Empty(contract.Milestone("m1").SubmissionLinks);
    }

    [Fact]
    public void Submit_ForAnUnknownMilestone_IsRejected() =>
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m9", "Done"), Now), "milestone_not_found");

    [Fact]
    public void ValidationErrors_NameTheirField()
    {
        Assert.Equal("currency", Validate.Currency("XXX")!.Field);
        Assert.Equal("dueDate", Validate.DueDate(Today.AddDays(-1), Now)!.Field);
        Assert.Equal("links", Validate.Links(["x"])!.Field);
        Assert.Equal("title", Validate.Text(null, "title", 10)!.Field);
        Assert.Null(Validate.Text(null, "message", 10, required: false));
        Assert.Null(Validate.Links(null));
    }

    public static TheoryData<string?, string?> Ids() => new()
    {
        { "alice", null },
        { "a", null },
        { new string('x', Validate.MaxIdLength), null },
        { "user@example.com", null },
        { "inner space", null },
        { "Zoë-東京", null },
        { "\U0001F600", null },
        { null, "userId_required" },
        { "", "userId_required" },
        { "   ", "userId_required" },
        { new string('x', Validate.MaxIdLength + 1), "userId_too_long" },
        { "al\0ice", "invalid_id" },
        { "alice\n", "invalid_id" },
        { "al\u007Fice", "invalid_id" },
        { "al\u0085ice", "invalid_id" },
        { "al\u200Bice", "invalid_id" },
        { "\uFEFFalice", "invalid_id" },
        { "alice\u202E", "invalid_id" },
        { "al\u200Eice", "invalid_id" },
        { "al\u2028ice", "invalid_id" },
        { "al\u2029ice", "invalid_id" },
        { "\U000E0001alice", "invalid_id" },
        { " alice", "invalid_id" },
        { "alice ", "invalid_id" },
        { "alice\u00A0", "invalid_id" },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Id_AcceptsOneToMaxVisibleCharacters_AndRejectsEverythingElse_WithAStableCode(string? value, string? code)
    {
        var error = Validate.Id(value, "userId");

        Assert.Equal(code, error?.Code);
        if (error is not null)
        {
            Assert.Equal((ErrorKind.Validation, "userId"), (error.Kind, error.Field));
        }
    }

    [Theory]
    [InlineData("bo\0b", "invalid_id")]
    [InlineData("bo\u200Bb", "invalid_id")]
    [InlineData(" bob", "invalid_id")]
    public void Create_WithABadFreelancerId_IsRejected(string freelancerId, string code) =>
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { FreelancerId = freelancerId }, Now), code);

    /// <summary>Free text a reader could be fooled or broken by: control characters, bidi overrides and isolates, zero-width ones.</summary>
    public static TheoryData<string> UnsafeTexts() =>
    [
        "Done\0", "a\u0001b", "esc\u001b[31m", "\u007f", "next\u0085line", "form\ffeed", "bell\a",
        "invoice_\u202Efdp.exe", "\u202A", "\u202B", "\u202C", "\u202D", "\u2066x", "\u2067x", "\u2068x", "x\u2069",
        "zero\u200Bwidth", "word\u2060joiner", "\uFEFFbom",
    ];

    [Theory]
    [MemberData(nameof(UnsafeTexts))]
    public void Text_WithAControlBidiControlOrZeroWidthCharacter_IsRejected_WithAFieldNamedCode(string text)
    {
        var error = Validate.Text(text, "message", Validate.MaxMessageLength, required: false);

        Assert.Equal(("message_invalid_characters", ErrorKind.Validation, "message"), (error?.Code, error?.Kind, error?.Field));
    }

    [Theory]
    [InlineData("Line one\nLine two\twith a tab")]
    [InlineData("Windows line ends\r\nas a browser's text area sends them")]
    [InlineData("\U0001F469\u200D\U0001F4BB a zero-width joiner inside an emoji")]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 a zero-width non-joiner in Persian")]
    [InlineData("\u05E9\u05DC\u05D5\u05DD\u200F a right-to-left mark")]
    [InlineData("caf\u00E9 \u00A0 \u2014 \U0001F600")]
    public void Text_WithTabsLineEndsJoinersAndDirectionMarks_IsAccepted(string text) =>
        Assert.Null(Validate.Text(text, "message", Validate.MaxMessageLength));

    [Fact]
    public void Create_WithABidiOverrideInTheTitle_OrANulInADescription_IsRejected()
    {
        Empty().Rejects(c => c.Create(Client, ContractId, ContractBuilder.Offer(10_000) with { Title = "Logo\u202Egnp.exe" }, Now), "title_invalid_characters");
        Empty().Rejects(c => c.Create(Client, ContractId, OfferWith(new NewMilestone("Work\0", Due, 100)), Now), "description_invalid_characters");
    }

    [Fact]
    public void Submit_WithANulInTheMessage_IsRejected() =>
        ContractBuilder.New().Funded(1).Rejects(c => c.Submit(Freelancer, new SubmitWork("m1", "Done\0"), Now), "message_invalid_characters");

    [Fact]
    public void Create_WithSeveralBadFields_NamesEveryOne_InTheOrderTheyAreChecked()
    {
        var offer = ContractBuilder.Offer(10_000) with
        {
            Title = " ",
            Currency = "XXX",
            Milestones = [new NewMilestone("Work", Due, 0), new NewMilestone("", Today.AddDays(-1), 5)],
        };

        var error = Empty().Rejects(c => c.Create(Client, ContractId, offer, Now), "title_required");

        Assert.Equal(["title", "currency", "milestones[0].amount", "milestones[1].description", "milestones[1].dueDate"], error.All.Select(e => e.Field));
        Assert.Equal(["title_required", "unknown_currency", "invalid_amount", "description_required", "due_date_in_past"], error.All.Select(e => e.Code));
    }

    [Fact]
    public void AllChecks_AnswerTheFirstFailure_WithTheLaterOnesOfItsKindOnly()
    {
        var error = Validate.All(null, Errors.Invalid("a", "x", "A."), Errors.ContractNotFound(), Errors.Invalid("b", "y", "B."))!;

        Assert.Equal(("a", ErrorKind.Validation), (error.Code, error.Kind));
        Assert.Equal(["a", "b"], error.All.Select(e => e.Code));
        Assert.Null(Validate.All(null, null));
        Assert.Null(Validate.All(Errors.Invalid("c", "z", "C."))!.Others);
    }

    [Fact]
    public void ProposingAChange_WithABadMessageAndABadOperation_NamesBoth() =>
        Assert.Equal(["message_required", "invalid_amount"],
            ContractBuilder.New().Active()
                .Rejects(c => c.ProposeChange(Freelancer, new ProposeChange(" ", [new ChangeOperation(ChangeOperationKind.Edit, "m1", Amount: 0)]), Now), "message_required")
                .All.Select(e => e.Code));
}
