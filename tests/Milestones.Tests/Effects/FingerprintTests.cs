using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Effects;

/// <summary>
/// The idempotency fingerprint covers every argument of every command: changing any one field gives another
/// fingerprint, so the same key with that request is refused (422) instead of replaying another answer.
/// The grain fingerprints <c>(command name, new { caller, arguments })</c>.
/// </summary>
public sealed class FingerprintTests
{
    private static readonly Caller Alice = new("alice");
    private static readonly DateOnly Day = new(2030, 3, 1);

    private static string Of(string command, object? arguments, Caller? caller = null) =>
        Fingerprint.Of(command, new { caller = caller ?? Alice, arguments });

    public static TheoryData<string, object?, object?> Variants()
    {
        var create = new CreateContract("Shop", "bob", "USD", [new NewMilestone("Design", Day, 100)]);
        var add = new AddMilestone("Launch", Day, 100, 1, "m");
        var edit = new EditMilestone("m1", "d", Day, 100, 1, "m");
        var change = new ProposeChange("m", [new ChangeOperation(ChangeOperationKind.Edit, "m1", "d", Day, 100, 1)]);
        var op = change.Operations[0];
        return new()
        {
            { "Create", create, create with { Title = "Shop 2" } },
            { "Create", create, create with { FreelancerId = "carol" } },
            { "Create", create, create with { Currency = "EUR" } },
            { "Create", create, create with { Milestones = [new NewMilestone("Design 2", Day, 100)] } },
            { "Create", create, create with { Milestones = [new NewMilestone("Design", Day.AddDays(1), 100)] } },
            { "Create", create, create with { Milestones = [new NewMilestone("Design", Day, 101)] } },
            { "Create", create, create with { Milestones = [.. create.Milestones, .. create.Milestones] } },
            { "AddMilestone", add, add with { Description = "x" } },
            { "AddMilestone", add, add with { DueDate = Day.AddDays(1) } },
            { "AddMilestone", add, add with { Amount = 101 } },
            { "AddMilestone", add, add with { Position = 2 } },
            { "AddMilestone", add, add with { Message = null } },
            { "EditMilestone", edit, edit with { MilestoneId = "m2" } },
            { "EditMilestone", edit, edit with { Description = null } },
            { "EditMilestone", edit, edit with { DueDate = null } },
            { "EditMilestone", edit, edit with { Amount = 7 } },
            { "EditMilestone", edit, edit with { Position = null } },
            { "EditMilestone", edit, edit with { Message = "n" } },
            { "DeleteMilestone", new DeleteMilestone("m1", "x"), new DeleteMilestone("m2", "x") },
            { "DeleteMilestone", new DeleteMilestone("m1", "x"), new DeleteMilestone("m1", "y") },
            { "AcceptTerms", 1, 2 },
            { "Decline", "no", "no thanks" },
            { "Withdraw", "no", null },
            { "End", new EndContract(HeldFunds.Refund, "x"), new EndContract(HeldFunds.Release, "x") },
            { "End", new EndContract(HeldFunds.Refund, "x"), new EndContract(HeldFunds.Refund, "y") },
            { "Fund", "m1", "m2" },
            { "Submit", new SubmitWork("m1", "done", ["https://a.example"]), new SubmitWork("m2", "done", ["https://a.example"]) },
            { "Submit", new SubmitWork("m1", "done", ["https://a.example"]), new SubmitWork("m1", "done!", ["https://a.example"]) },
            { "Submit", new SubmitWork("m1", "done", ["https://a.example"]), new SubmitWork("m1", "done", ["https://b.example"]) },
            { "Submit", new SubmitWork("m1", "done", ["https://a.example"]), new SubmitWork("m1", "done", null) },
            { "RequestChanges", new RequestChanges("m1", "fix"), new RequestChanges("m2", "fix") },
            { "RequestChanges", new RequestChanges("m1", "fix"), new RequestChanges("m1", "fix it") },
            { "ProposeChange", change, change with { Message = "n" } },
            { "ProposeChange", change, change with { Operations = [op with { Op = ChangeOperationKind.Delete }] } },
            { "ProposeChange", change, change with { Operations = [op with { MilestoneId = "m2" }] } },
            { "ProposeChange", change, change with { Operations = [op with { Description = null }] } },
            { "ProposeChange", change, change with { Operations = [op with { DueDate = Day.AddDays(1) }] } },
            { "ProposeChange", change, change with { Operations = [op with { Amount = 5 }] } },
            { "ProposeChange", change, change with { Operations = [op with { Position = 3 }] } },
            { "AcceptChange", new { changeRequestId = "cr1", message = "ok" }, new { changeRequestId = "cr2", message = "ok" } },
            { "AcceptChange", new { changeRequestId = "cr1", message = "ok" }, new { changeRequestId = "cr1", message = (string?)null } },
        };
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ChangingAnyArgument_ChangesTheFingerprint(string command, object? first, object? second)
    {
        Assert.Equal(Of(command, first), Of(command, first));
        Assert.NotEqual(Of(command, first), Of(command, second));
    }

    [Fact]
    public void TheCallerAndTheCommand_AreCoveredToo()
    {
        Assert.NotEqual(Of("Fund", "m1"), Of("Fund", "m1", new Caller("bob")));
        Assert.NotEqual(Of("Fund", "m1"), Of("Fund", "m1", Alice with { IsPlatform = true }));
        Assert.NotEqual(Of("Fund", "m1"), Of("Approve", "m1"));
    }

    [Fact]
    public void AValueTuple_WouldHaveHiddenItsItems()
    {
        // The defect this guards against: System.Text.Json writes a value tuple as {}, so every change request looked alike.
        Assert.Equal(Of("AcceptChange", ("cr1", "ok")), Of("AcceptChange", ("cr2", "ok")));
    }

    [Fact]
    public void AKeyAnEarlierBuildRememberedWithTheWholeDigest_IsStillKnownByTheFingerprintItBegins()
    {
        // As an earlier build stored it: the command's whole SHA-256 (64 hex digits), of which 32 are kept now.
        const string Earlier = "8F578E1F7BA2AF94726F3797A475C06CCB35418EE9614BD496BBD9252EF367F2";
        var fingerprint = Fingerprint.Of("fund", new { caller = "alice", amount = 5 });
        List<IdempotencyRecord> keys = [new("k", Earlier, null, DateTimeOffset.UnixEpoch)];

        Assert.Equal(Earlier[..32], fingerprint);
        Assert.Same(keys[0], IdempotencyKeys.Lookup(keys, "k", fingerprint).Known);
        Assert.Equal("idempotency_key_reused", IdempotencyKeys.Lookup(keys, "k", Fingerprint.Of("fund", new { caller = "alice", amount = 6 })).Reused?.Code);
        Assert.Equal("idempotency_key_reused", IdempotencyKeys.Lookup(keys, "k", Earlier[..31]).Reused?.Code);
    }
}
