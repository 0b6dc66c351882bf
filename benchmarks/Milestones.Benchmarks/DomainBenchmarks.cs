using BenchmarkDotNet.Attributes;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Benchmarks;

/// <summary>The pure transitions, without a silo: the CPU cost of the rules themselves.</summary>
[MemoryDiagnoser]
public class DomainBenchmarks
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Caller Client = new("client");
    private static readonly Caller Freelancer = new("freelancer");
    private readonly CreateContract create = new("Shop", "freelancer", "USD",
        [new NewMilestone("Design", new DateOnly(2030, 3, 1), 25_000), new NewMilestone("Build", new DateOnly(2030, 4, 1), 50_000)]);

    private Contract active = null!;
    private AccountState funded = null!;

    [IterationSetup(Targets = [nameof(FundSubmitApprove)])]
    public void NewActiveContract()
    {
        active = new Contract(new ContractState(), ContractRules.Default);
        active.Create(Client, "ctr_1", create, Now);
        active.AcceptTerms(Client, 1, Now);
        active.AcceptTerms(Freelancer, 1, Now);
    }

    [Benchmark]
    public Error? CreateAndAccept()
    {
        var contract = new Contract(new ContractState(), ContractRules.Default);
        return contract.Create(Client, "ctr_1", create, Now) ?? contract.AcceptTerms(Client, 1, Now) ?? contract.AcceptTerms(Freelancer, 1, Now);
    }

    [Benchmark]
    public Error? FundSubmitApprove()
    {
        var error = active.Fund(Client, "m1");
        active.TransferApplied(Now);
        error ??= active.Submit(Freelancer, new SubmitWork("m1", "Done"), Now) ?? active.Approve(Client, new ApproveWork("m1"), Now);
        active.TransferApplied(Now);
        return error;
    }

    [IterationSetup(Targets = [nameof(HoldOnAccount)])]
    public void NewAccount()
    {
        funded = new AccountState();
        new Account(funded).Apply(new TransferOrder("deposit/1", TransferKind.Deposit, new Money(1_000_000_000, "USD")), Now);
    }

    [Benchmark]
    public TransferResult HoldOnAccount() =>
        new Account(funded).Apply(new TransferOrder("ctr_1/m1/fund", TransferKind.Hold, new Money(25_000, "USD"), "ctr_1", "m1"), Now);
}
