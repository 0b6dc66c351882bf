using CsCheck;
using Milestones.Contracts;
using Milestones.Domain;
using Xunit.Abstractions;

namespace Milestones.Tests.Grains;

/// <summary>
/// Random sequences of contract and account commands over contracts that share two accounts, with time jumps past
/// review periods (and so past security periods), approvals of part of a milestone, steps that take a contract's work
/// one step further (so that money moves often, not only in the rare sequence that funds, submits and approves in turn
/// by chance), reused idempotency keys, and a fault injected into the first attempt of a step (a storage write, a
/// wake-up just before it, an account call before or after it applies — any leg of a release — or a lost activation).
/// A client retries what did not answer with the same key. <see cref="ContractModel"/> says what each answer must be; at the end every contract with its totals,
/// both balances (the freelancer's pending and available apart) and the fees this sequence charged equal the model,
/// and (after every test) the ledger is exact.
/// CsCheck shrinks a failure to a minimal sequence and prints its seed: replay with MILESTONES_MODEL_SEED.
/// Sequences: MILESTONES_MODEL_SEQUENCES (CI runs the default; the long mode runs 100,000).
/// </summary>
public sealed class ModelBasedTests(ClusterFixture fixture, ITestOutputHelper output) : GrainTest(fixture)
{
    private const int Contracts = 3;
    private const int MilestonesPerContract = 3;
    private static readonly long[] Amounts = [300, 500, 200];

    /// <summary>A step; <see cref="Share"/> is the part of the milestone an approval releases, in thousandths (0: all of it, no amount given).</summary>
    public sealed record Step(int Contract, ModelOp Op, int Milestone, ModelFault Fault, int ReuseKeyOf, long Amount, long Share)
    {
        /// <summary>What an approval asks to release: nothing said (all of it), or 1 up to the milestone's amount.</summary>
        public long? Released => Op == ModelOp.Approve && Share > 0 ? Math.Max(1, Amounts[Milestone] * Share / 1_000) : null;

        public override string ToString() =>
            $"{Op}(c{Contract}{(Op is ModelOp.Deposit or ModelOp.Wait or ModelOp.Progress ? "" : $", m{Milestone + 1}")}{(Op == ModelOp.Deposit ? $", {Amount}" : "")}"
            + $"{(Released is { } part ? $", {part}" : "")}{(Op == ModelOp.Progress && Share > 0 ? $", approving {Share}/1000" : "")})"
            + (Fault == ModelFault.None ? "" : $" !{Fault}") + (ReuseKeyOf >= 0 ? $" key-of-{ReuseKeyOf}" : "");
    }

    private static readonly Gen<Step> StepGen =
        Gen.Select(
            Gen.Int[0, Contracts - 1],
            Gen.Frequency((3, Gen.Const(ModelOp.Fund)), (3, Gen.Const(ModelOp.Submit)), (3, Gen.Const(ModelOp.Approve)),
                (2, Gen.Const(ModelOp.RequestChanges)), (1, Gen.Const(ModelOp.EndRefund)), (1, Gen.Const(ModelOp.EndRelease)),
                (3, Gen.Const(ModelOp.Deposit)), (2, Gen.Const(ModelOp.Wait)), (6, Gen.Const(ModelOp.Progress))),
            Gen.Int[0, MilestonesPerContract - 1],
            Gen.Frequency((3, Gen.Const(ModelFault.None)), (1, Gen.Enum<ModelFault>())),
            Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 20])),
            Gen.Long[100, 1_000],
            Gen.Frequency((1, Gen.Const(0L)), (2, Gen.Long[1, 1_000])))
        .Select((c, op, m, fault, reuse, amount, share) => new Step(c, op, m, fault, reuse, amount, share));

    [Fact]
    public async Task RandomSequencesWithFaults_AgreeWithTheModel()
    {
        var sequences = int.TryParse(Environment.GetEnvironmentVariable("MILESTONES_MODEL_SEQUENCES"), out var n) ? n : 2_000;
        var seed = Environment.GetEnvironmentVariable("MILESTONES_MODEL_SEED");
        await StepGen.Array[1, 24].SampleAsync(RunAsync, output.WriteLine, seed: seed, iter: sequences, threads: 1,
            print: steps => string.Join("; ", steps.Select((s, i) => $"{i}:{s}")));
        output.WriteLine($"{sequences} sequences, {commands} commands, faults armed: {string.Join(", ", armed.Select(a => $"{a.Key} {a.Value}"))}");
        output.WriteLine($"accepted: {string.Join(", ", accepted.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}"))}");
    }

    private readonly Dictionary<ModelFault, int> armed = [];
    private readonly Dictionary<string, int> accepted = [];
    private int commands;

    /// <summary>
    /// A <see cref="ModelOp.Progress"/> step as the command it stands for now: the next one the contract's first
    /// milestone not yet released is waiting for (fund, submit, approve), as the model has it.
    /// </summary>
    private static Step Resolve(Step step, ContractModel model)
    {
        if (step.Op != ModelOp.Progress)
        {
            return step;
        }

        var milestones = model.Contracts[step.Contract].Milestones;
        var m = Math.Max(0, milestones.FindIndex(x => x.Status != MilestoneStatus.Released));
        var op = milestones[m].Status switch
        {
            MilestoneStatus.Pending => ModelOp.Fund,
            MilestoneStatus.Funded => ModelOp.Submit,
            _ => ModelOp.Approve,
        };
        return step with { Op = op, Milestone = m };
    }

    private async Task RunAsync(Step[] steps)
    {
        Fixture.Probe.ClearFaults();
        var client = new Caller("client-" + Guid.NewGuid().ToString("N")[..8]);
        var freelancer = new Caller("freelancer-" + Guid.NewGuid().ToString("N")[..8]);
        var model = new ContractModel();
        var grains = new List<IContractGrain>();
        var (feeLines, feesBefore) = (await FeeLineCountAsync(), (await FeeBalanceAsync()).Available);
        for (var i = 0; i < Contracts; i++)
        {
            var grain = Grains.Contract(GrainKeys.NewContractId());
            Ok(await grain.CreateAsync(client, new CreateContract("Model", freelancer.UserId, Usd,
                Amounts.Select((a, k) => new NewMilestone($"Part {k + 1}", Due, a)).ToList()), CommandOptions.None));
            Ok(await grain.AcceptTermsAsync(client, 1, CommandOptions.None));
            Ok(await grain.AcceptTermsAsync(freelancer, 1, CommandOptions.None));
            grains.Add(grain);
            model.Contracts.Add(new ContractModel.Contract(Amounts));
        }

        var answers = new Dictionary<int, (IContractGrain Grain, string Key, string Request, Outcome<ContractResult> Answer)>();
        for (var i = 0; i < steps.Length; i++)
        {
            var step = Resolve(steps[i], model);
            var grain = grains[step.Contract];
            switch (step.Op)
            {
                case ModelOp.Wait:
                    // Time passes and the due contracts are woken, as the scan's timer would (a contract no command
                    // touches still releases on time).
                    Fixture.Clock.Advance(ReviewPeriod + TimeSpan.FromMinutes(1));
                    await ScanAsync();
                    model.ReleaseAllDue(Fixture.Clock.GetUtcNow());
                    continue;
                case ModelOp.Deposit:
                    Ok(await Grains.Account(client.UserId).DepositAsync(Platform, new Deposit(step.Amount, Usd, Guid.NewGuid().ToString("N"))));
                    model.ClientAvailable += step.Amount;
                    continue;
            }

            var request = step.Op is ModelOp.EndRefund or ModelOp.EndRelease ? $"{step.Op}" : $"{step.Op}/m{step.Milestone + 1}/{step.Released}";
            var reused = answers.TryGetValue(step.ReuseKeyOf, out var earlier) && earlier.Grain.GetPrimaryKeyString() == grain.GetPrimaryKeyString();
            var key = reused ? earlier.Key : $"k{i}";
            var answer = await AttemptAsync(grain, step, client, freelancer, key);
            if (reused && earlier.Request == request)
            {
                Assert.True(answer.Replayed, $"step {i}: the same key and request must replay");
                Assert.Equal(earlier.Answer.Error?.Code, answer.Error?.Code);
                continue;
            }

            if (reused)
            {
                Assert.Equal("idempotency_key_reused", answer.Error?.Code);
                continue;
            }

            var expected = model.Apply(step.Contract, step.Op, step.Milestone, step.Released, Fixture.Clock.GetUtcNow(), ReviewPeriod);
            Assert.True(expected == answer.Succeeded, $"step {i} {step}: the model says {(expected ? "accepted" : "rejected")}, the grain answered {answer.Error?.Code ?? "ok"}");
            answers[i] = (grain, key, request, answer);
            if (answer.Succeeded)
            {
                var what = step.Op == ModelOp.Approve && step.Released is not null ? "Approve part" : step.Op.ToString();
                accepted[what] = accepted.GetValueOrDefault(what) + 1;
            }

            // The acknowledged answer again, whatever happened since: same key, same request → the first answer.
            var replay = await SendAsync(grain, step, client, freelancer, key);
            Assert.True(replay.Replayed && replay.Error?.Code == answer.Error?.Code, $"step {i}: the retry did not replay the first answer");
        }

        // What was acknowledged is stored: a fresh activation of every contract still agrees with the model.
        var now = Fixture.Clock.GetUtcNow();
        model.ReleaseAllDue(now);
        for (var i = 0; i < Contracts; i++)
        {
            await Fixture.Cluster.DeactivateAsync(grains[i]);
            var view = Ok(await grains[i].GetAsync(client));
            var want = model.Contracts[i];
            Assert.Equal(want.Status, view.Status);
            Assert.Equal(want.Milestones.Select(m => m.Status), view.Milestones.Select(m => m.Status));
            Assert.Equal(want.Milestones.Select(m => m.Released), view.Milestones.Select(m => m.ReleasedAmount));
            Assert.Equal((want.Funded, want.Released, want.Refunded), (view.Funded, view.Released, view.Refunded));
        }

        var clientBalance = Ok(await Grains.Account(client.UserId).GetAsync(client)).Balances.SingleOrDefault();
        var freelancerBalance = Ok(await Grains.Account(freelancer.UserId).GetAsync(freelancer)).Balances.SingleOrDefault();
        Assert.Equal((model.ClientAvailable, model.ClientHeld, 0L), (clientBalance?.Available ?? 0, clientBalance?.Held ?? 0, clientBalance?.Pending ?? 0));
        Assert.Equal((model.FreelancerAvailable(now), model.FreelancerPending(now), 0L),
            (freelancerBalance?.Available ?? 0, freelancerBalance?.Pending ?? 0, freelancerBalance?.Held ?? 0));

        // The fee account: this sequence's contracts were charged exactly the model's fees, each under its own id, and
        // its balance moved by exactly what its new lines credited (other tests' releases, due meanwhile, included).
        var lines = await FeeLinesAfterAsync(feeLines);
        var ours = lines.Where(l => grains.Exists(g => g.GetPrimaryKeyString() == l.Order.ContractId)).ToList();
        long Charged(string fee) => ours.Where(l => l.Order.TransferId.EndsWith(fee, StringComparison.Ordinal)).Sum(l => l.Order.Amount.Amount);
        Assert.Equal((model.ServiceFees, model.ClientFees), (Charged("/service-fee"), Charged("/client-fee")));
        Assert.Equal(ours.Count, ours.Select(l => l.Order.TransferId).Distinct().Count());
        Assert.Equal(feesBefore + lines.Sum(l => l.Order.Amount.Amount), (await FeeBalanceAsync()).Available);
    }

    /// <summary>The first attempt with the step's fault armed; a client retries with the same key until it gets an answer.</summary>
    private async Task<Outcome<ContractResult>> AttemptAsync(IContractGrain grain, Step step, Caller client, Caller freelancer, string key)
    {
        await ArmAsync(grain, step);
        commands++;
        armed[step.Fault] = armed.GetValueOrDefault(step.Fault) + 1;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var answer = await SendAsync(grain, step, client, freelancer, key);
                if (answer.Error?.Kind != ErrorKind.Unavailable)
                {
                    return answer;
                }
            }
            catch (Exception) when (attempt < 3)
            {
                // Not applied, or applied and not yet answered: the same key tells which.
            }
            finally
            {
                Fixture.Probe.ClearFaults();
            }

            Assert.True(attempt < 3, $"{step}: no answer after {attempt + 1} attempts");
        }
    }

    private async Task ArmAsync(IContractGrain grain, Step step)
    {
        var id = grain.GetPrimaryKeyString();
        (TransferKind Kind, string? Leg) target = step.Op switch
        {
            ModelOp.Fund => (TransferKind.Hold, null),
            ModelOp.EndRefund => (TransferKind.Refund, null),
            _ => ((step.Contract + step.Milestone) % 4) switch
            {
                0 => (TransferKind.Capture, null),
                1 => (TransferKind.Credit, "/release"),
                2 => (TransferKind.Credit, "/service-fee"),
                _ => (TransferKind.Credit, "/client-fee"),
            },
        };
        switch (step.Fault)
        {
            case ModelFault.WriteFails:
                Fixture.Probe.FailNextWrite(grain.GetGrainId());
                break;
            case ModelFault.WakeFails:
                // A scan just before the command fails to wake this contract: if it was due, it stays due.
                Fixture.Probe.FailNextWake(id);
                await ScanAsync();
                break;
            case ModelFault.AccountFailsBefore or ModelFault.AccountFailsAfter:
                Fixture.Probe.FailNextTransfer(id, target.Kind, step.Fault == ModelFault.AccountFailsAfter, target.Leg);
                break;
            case ModelFault.Deactivated:
                await Fixture.Cluster.DeactivateAsync(grain);
                break;
        }
    }

    private static Task<Outcome<ContractResult>> SendAsync(IContractGrain grain, Step step, Caller client, Caller freelancer, string key)
    {
        var options = new CommandOptions(key);
        var m = $"m{step.Milestone + 1}";
        return step.Op switch
        {
            ModelOp.Fund => grain.FundMilestoneAsync(client, m, options),
            ModelOp.Submit => grain.SubmitWorkAsync(freelancer, new SubmitWork(m, "Done"), options),
            ModelOp.Approve => grain.ApproveMilestoneAsync(client, new ApproveWork(m, step.Released), options),
            ModelOp.RequestChanges => grain.RequestChangesAsync(client, new RequestChanges(m, "Again"), options),
            ModelOp.EndRefund => grain.EndAsync(client, new EndContract(HeldFunds.Refund), options),
            ModelOp.EndRelease => grain.EndAsync(client, new EndContract(HeldFunds.Release), options),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }
}
