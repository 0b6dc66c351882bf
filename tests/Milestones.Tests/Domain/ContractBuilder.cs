using Milestones.Contracts;
using Milestones.Domain;
using static Milestones.Tests.Domain.ContractAssert;
using static Milestones.Tests.Domain.Given;

namespace Milestones.Tests.Domain;

/// <summary>
/// Brings a contract to any state through its own commands (never by poking the state), asserting each
/// step succeeds. Milestones are m1, m2, m3 with the <see cref="Given.Amounts"/> unless told otherwise.
/// </summary>
internal sealed class ContractBuilder
{
    private long[] amounts = Given.Amounts;
    private ContractRules rules = ContractRules.Default;

    public static ContractBuilder New() => new();

    public ContractBuilder WithAmounts(params long[] values)
    {
        amounts = values;
        return this;
    }

    public ContractBuilder WithRules(ContractRules value)
    {
        rules = value;
        return this;
    }

    public static CreateContract Offer(params long[] amounts) =>
        new("Build a shop", Freelancer.UserId, Usd, amounts.Select((a, i) => new NewMilestone($"Part {i + 1}", Due, a)).ToList());

    public Contract Draft()
    {
        var contract = new Contract(new ContractState(), rules);
        Ok(contract.Create(Client, ContractId, Offer(amounts), Now));
        return contract;
    }

    public Contract Active()
    {
        var contract = Draft();
        Ok(contract.AcceptTerms(Client, contract.State.TermsVersion, Now));
        Ok(contract.AcceptTerms(Freelancer, contract.State.TermsVersion, Now));
        return contract;
    }

    /// <summary>Milestones 1..k-1 released, milestone k funded.</summary>
    public Contract Funded(int k)
    {
        var contract = Active();
        for (var i = 1; i < k; i++)
        {
            contract.Release(i);
        }

        contract.FundApplied(k);
        return contract;
    }

    /// <summary>Milestones 1..k-1 released, milestone k submitted at <see cref="Given.Now"/>.</summary>
    public Contract Submitted(int k)
    {
        var contract = Funded(k);
        contract.SubmitOk(k);
        return contract;
    }

    /// <summary>Milestones 1..k released (approved by the client).</summary>
    public Contract Released(int k)
    {
        var contract = Active();
        for (var i = 1; i <= k; i++)
        {
            contract.Release(i);
        }

        return contract;
    }

    public Contract Completed() => Released(amounts.Length);

    /// <summary>Ended by the client with nothing held: every milestone cancelled.</summary>
    public Contract Ended()
    {
        var contract = Active();
        Ok(contract.End(Client, new EndContract(HeldFunds.Refund), Now));
        return contract;
    }

    /// <summary>Ended by the client while milestone 1 was funded: m1 refunded, the rest cancelled.</summary>
    public Contract EndedWithRefund()
    {
        var contract = Funded(1);
        contract.EndApplied(Client, HeldFunds.Refund);
        return contract;
    }

    public Contract Withdrawn()
    {
        var contract = Draft();
        Ok(contract.Withdraw(Client, null, Now));
        return contract;
    }

    public Contract Declined()
    {
        var contract = Draft();
        Ok(contract.Decline(Freelancer, null, Now));
        return contract;
    }

    /// <summary>Active, with change request cr1 open: the freelancer proposes to lower m3's amount.</summary>
    public Contract WithOpenChangeRequest()
    {
        var contract = Active();
        Ok(contract.ProposeChange(Freelancer, ProposeLowerM3, Now));
        return contract;
    }

    public static readonly ProposeChange ProposeLowerM3 =
        new("Part 3 is smaller than we thought", [new ChangeOperation(ChangeOperationKind.Edit, "m3", Amount: 25_000)]);

    public static ContractStatus StatusOf(Contract contract) => contract.State.Status;

    /// <summary>A contract in <paramref name="status"/>: the simplest way each status is reached.</summary>
    public Contract In(ContractStatus status) => status switch
    {
        ContractStatus.Draft => Draft(),
        ContractStatus.Active => Active(),
        ContractStatus.Completed => Completed(),
        ContractStatus.Ended => Ended(),
        ContractStatus.Withdrawn => Withdrawn(),
        ContractStatus.Declined => Declined(),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}

/// <summary>Successful steps on a contract, each asserting it worked; the money steps apply their transfer.</summary>
internal static class ContractSteps
{
    public static string Id(int k) => $"m{k}";

    public static void FundApplied(this Contract contract, int k, DateTimeOffset? at = null)
    {
        Ok(contract.Fund(Client, Id(k)));
        contract.TransferApplied(at ?? Now);
    }

    public static void SubmitOk(this Contract contract, int k, DateTimeOffset? at = null) =>
        Ok(contract.Submit(Freelancer, new SubmitWork(Id(k), $"Part {k} is done", ["https://example.com/part"]), at ?? Now));

    public static void ApproveApplied(this Contract contract, int k, DateTimeOffset? at = null)
    {
        Ok(contract.Approve(Client, new ApproveWork(Id(k)), Now));
        contract.TransferApplied(at ?? Now);
    }

    /// <summary>Fund, submit and approve milestone k.</summary>
    public static void Release(this Contract contract, int k)
    {
        contract.FundApplied(k);
        contract.SubmitOk(k);
        contract.ApproveApplied(k);
    }

    public static void EndApplied(this Contract contract, Caller caller, HeldFunds heldFunds, string? message = null, DateTimeOffset? at = null)
    {
        Ok(contract.End(caller, new EndContract(heldFunds, message), at ?? Now));
        if (contract.State.OpenTransfer is not null)
        {
            contract.TransferApplied(at ?? Now);
        }
    }
}
