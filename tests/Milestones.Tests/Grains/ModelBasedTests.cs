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
/// Money after release too: bonuses and refunds (a fault may hit any of their sources or credits: interrupted, one
/// answers transfer_in_progress and is finished exactly once by the retry), payouts of either party (a failed write of
/// the request leaves nothing), their completion or failure by the platform and their expiry, and time passing by hours
/// up to beyond the refund window. Bursts of keyed requests take an account past the fewest keys it keeps, and every
/// earlier payout whose key must still be kept (a day old at most, or among the most recent) is retried: it replays.
/// A client retries what did not answer with the same key. <see cref="ContractModel"/> says what each answer must be.
/// After every step both balances (available, held, the freelancer's pending, paying out) equal the model; at the end
/// every contract with its totals, bonuses and refunds, the fee account's lines for each contract and each party's
/// paid-out total equal the model, and the ledger is exact (its paid-out grown by exactly the completed payouts).
/// CsCheck shrinks a failure to a minimal sequence and prints its seed: replay with MILESTONES_MODEL_SEED.
/// Sequences: MILESTONES_MODEL_SEQUENCES (CI runs the default; the long mode runs 100,000).
/// </summary>
public sealed class ModelBasedTests(ClusterFixture fixture, ITestOutputHelper output) : GrainTest(fixture)
{
    private const int Contracts = 3;
    private const int MilestonesPerContract = 3;
    private static readonly long[] Amounts = [300, 500, 200];
    private const long StartingDeposit = 1_000;

    /// <summary>A step; <see cref="Share"/> is the part of the milestone an approval releases, in thousandths (0: all of it, no amount given).</summary>
    public sealed record Step(int Contract, ModelOp Op, int Milestone, ModelFault Fault, int ReuseKeyOf, long Amount, long Share, TimeSpan? To = null)
    {
        /// <summary>What an approval asks to release: nothing said (all of it), or 1 up to the milestone's amount.</summary>
        public long? Released => Op == ModelOp.Approve && Share > 0 ? Math.Max(1, Amounts[Milestone] * Share / 1_000) : null;

        /// <summary>How many keyed requests a <see cref="ModelOp.KeyBurst"/> sends: more than an account keeps whatever their age.</summary>
        public int BurstSize => IdempotencyKeys.MinKept + 1 + (int)(Amount % 16);

        /// <summary>What a <see cref="ModelOp.Pass"/> step lets pass: some hours, 20 up to 200 days, or up to a refund window's end (<see cref="To"/>).</summary>
        public TimeSpan Passes => To ?? (Share <= 500 ? TimeSpan.FromHours(Amount) : TimeSpan.FromDays(Amount / 5));

        public override string ToString() =>
            Op is ModelOp.Payout or ModelOp.ClosePayout or ModelOp.Pass or ModelOp.KeyBurst
                ? $"{Op}({(Op == ModelOp.Pass ? $"{Passes}" : Op == ModelOp.KeyBurst ? $"{(Contract % 2 == 0 ? "client" : "freelancer")}, {BurstSize}" : $"{(Contract % 2 == 0 ? "client" : "freelancer")}, {(Op == ModelOp.Payout ? $"{Amount}" : $"#{Milestone + Share}, {(Amount % 2 == 0 ? "completed" : "failed")}")}")})"
                  + (Fault == ModelFault.None ? "" : $" !{Fault}")
                : $"{Op}(c{Contract}{(Op is ModelOp.Deposit or ModelOp.Wait or ModelOp.Progress or ModelOp.Bonus or ModelOp.Refund ? "" : $", m{Milestone + 1}")}{(Op is ModelOp.Deposit or ModelOp.Bonus ? $", {Amount}" : "")}"
            + (Op == ModelOp.Refund ? $", {Amount} (share {Share}/900 of the refundable)" : "")
            + $"{(Released is { } part ? $", {part}" : "")}{(Op == ModelOp.Progress && Share > 0 ? $", approving {Share}/1000" : "")})"
            + (Fault == ModelFault.None ? "" : $" !{Fault}") + (ReuseKeyOf >= 0 ? $" key-of-{ReuseKeyOf}" : "");
    }

    private static readonly Gen<Step> StepGen =
        Gen.Select(
            Gen.Int[0, Contracts - 1],
            Gen.Frequency((3, Gen.Const(ModelOp.Fund)), (3, Gen.Const(ModelOp.Submit)), (3, Gen.Const(ModelOp.Approve)),
                (2, Gen.Const(ModelOp.RequestChanges)), (1, Gen.Const(ModelOp.EndRefund)), (1, Gen.Const(ModelOp.EndRelease)),
                (4, Gen.Const(ModelOp.Deposit)), (2, Gen.Const(ModelOp.Wait)), (9, Gen.Const(ModelOp.Progress)),
                (2, Gen.Const(ModelOp.Bonus)), (4, Gen.Const(ModelOp.Refund)), (2, Gen.Const(ModelOp.Payout)),
                (2, Gen.Const(ModelOp.ClosePayout)), (2, Gen.Const(ModelOp.Pass)), (1, Gen.Const(ModelOp.KeyBurst))),
            Gen.Int[0, MilestonesPerContract - 1],
            Gen.Frequency((3, Gen.Const(ModelFault.None)), (1, Gen.Enum<ModelFault>())),
            Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 20])),
            Gen.Long[100, 1_000],
            Gen.Frequency((1, Gen.Const(0L)), (2, Gen.Long[1, 1_000])))
        .Select((c, op, m, fault, reuse, amount, share) =>
            new Step(c, op, m, fault, reuse, op switch { ModelOp.Bonus => amount / 4, ModelOp.Payout => amount / 2, _ => amount }, share));

    [Fact]
    public async Task RandomSequencesWithFaults_AgreeWithTheModel()
    {
        var sequences = int.TryParse(Environment.GetEnvironmentVariable("MILESTONES_MODEL_SEQUENCES"), out var n) ? n : 2_000;
        var seed = Environment.GetEnvironmentVariable("MILESTONES_MODEL_SEED");
        var paidOutBefore = await PaidOutAsync();
        await StepGen.Array[1, 24].SampleAsync(RunAsync, output.WriteLine, seed: seed, iter: sequences, threads: 1,
            print: steps => string.Join("; ", steps.Select((s, i) => $"{i}:{s}")));
        output.WriteLine($"{sequences} sequences, {commands} commands, faults armed: {string.Join(", ", armed.Select(a => $"{a.Key} {a.Value}"))}");
        output.WriteLine($"accepted: {string.Join(", ", accepted.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}"))}");
        output.WriteLine($"refused: {string.Join(", ", refused.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}"))}");
        output.WriteLine($"faults tripped: {string.Join(", ", tripped.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}"))}");
        output.WriteLine($"payouts voided by time {voided}, paid out {paidOut}; old payout keys retried after a burst {keysRetried}");

        // Every completed payout, and only those, left the system.
        Assert.Equal(paidOutBefore + paidOut, await PaidOutAsync());
    }

    /// <summary>The ledger check now (exact), and what it counts as paid out in dollars.</summary>
    private async Task<long> PaidOutAsync()
    {
        var report = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.True(report.Balanced, string.Join("; ", report.Currencies));
        Assert.All(report.Currencies, c => Assert.Equal(0, c.InTransit));
        return (long)(report.Currencies.SingleOrDefault(c => c.Currency == Usd)?.PaidOut ?? 0);
    }

    private readonly Dictionary<ModelFault, int> armed = [];
    private readonly Dictionary<string, int> accepted = [];
    private readonly Dictionary<string, int> refused = [];
    private readonly Dictionary<string, int> tripped = [];
    private int commands;
    private int keysRetried;
    private bool quiet;

    /// <summary>Each account's keyed payout requests of the sequence, in order, with their first answers.</summary>
    private readonly Dictionary<string, List<(string Key, DateTimeOffset At, long Amount, Outcome<Payout> Answer)>> accountKeys = [];
    private int voided;
    private long paidOut;

    private static void Count(Dictionary<string, int> counts, string what) => counts[what] = counts.GetValueOrDefault(what) + 1;

    /// <summary>
    /// A <see cref="ModelOp.Progress"/> step as the command it stands for now: the next one the contract's first
    /// milestone not yet released is waiting for (fund, submit, approve), as the model has it.
    /// </summary>
    private static Step Resolve(Step step, ContractModel model, DateTimeOffset now)
    {
        if (step.Op == ModelOp.Pass && step.Share > 800
            && model.Contracts.SelectMany(c => c.Milestones).Where(m => m.ReleasedAt + ContractModel.RefundWindow > now)
                .Min(m => m.ReleasedAt) is { } oldest)
        {
            // To the end of the oldest release's refund window still open: a minute before, at it, or a minute after.
            return step with { To = oldest + ContractModel.RefundWindow + TimeSpan.FromMinutes(step.Amount % 3 - 1) - now };
        }

        if (step.Op == ModelOp.Refund)
        {
            // All that is refundable now, a part of it, or one cent more (the boundary); with nothing refundable, the step's amount.
            // The first contract from the step's own with anything refundable (so that refunds are not mostly refused).
            var index = Enumerable.Range(0, Contracts).Select(k => (step.Contract + k) % Contracts)
                .FirstOrDefault(k => model.Contracts[k].Refundable(now) > 0, step.Contract);
            var refundable = model.Contracts[index].Refundable(now);
            step = step with { Contract = index };
            return step with
            {
                Amount = refundable == 0 ? step.Amount : step.Share switch
                {
                    0 => refundable,
                    > 900 => refundable + 1,
                    _ => Math.Max(1, refundable * step.Share / 900),
                },
            };
        }

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
        accountKeys.Clear();
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

        // Enough to fund each contract's first milestone, so that money moves early (later funding may still fall short).
        Ok(await Grains.Account(client.UserId).DepositAsync(Platform, new Deposit(StartingDeposit, Usd, Guid.NewGuid().ToString("N"))));
        model.ClientAvailable = StartingDeposit;

        var answers = new Dictionary<int, (IContractGrain Grain, string Key, string Request, Outcome<ContractResult> Answer)>();
        for (var i = 0; i < steps.Length; i++)
        {
            var step = Resolve(steps[i], model, Fixture.Clock.GetUtcNow());
            quiet = false;
            await StepAsync(i, step, model, grains, answers, client, freelancer);
            if (!quiet)
            {
                await BalancesAgreeAsync($"after step {i} {step}", model, client, freelancer);
            }
        }

        // What was acknowledged is stored: a fresh activation of every contract still agrees with the model.
        await AgreesAtTheEndAsync(model, grains, client, freelancer, feeLines, feesBefore);
    }

    private async Task StepAsync(
        int i, Step step, ContractModel model, List<IContractGrain> grains,
        Dictionary<int, (IContractGrain Grain, string Key, string Request, Outcome<ContractResult> Answer)> answers, Caller client, Caller freelancer)
    {
        var grain = grains[step.Contract];
        switch (step.Op)
        {
            case ModelOp.Wait or ModelOp.Pass:
                // Time passes and the due contracts (and accounts) are woken, as the scan's timer would (a contract no
                // command touches still releases on time; a payout past its expiry is voided).
                var before = model.Payouts.Count(p => p.Status == PayoutStatus.Pending);
                Fixture.Clock.Advance(step.Op == ModelOp.Wait ? ReviewPeriod + TimeSpan.FromMinutes(1) : step.Passes);
                await ScanAsync();
                model.ReleaseAllDue(Fixture.Clock.GetUtcNow());
                voided += before - model.Payouts.Count(p => p.Status == PayoutStatus.Pending);
                return;
            case ModelOp.Deposit:
                Ok(await Grains.Account(client.UserId).DepositAsync(Platform, new Deposit(step.Amount, Usd, Guid.NewGuid().ToString("N"))));
                model.ClientAvailable += step.Amount;
                return;
            case ModelOp.Payout:
                await PayoutAsync(i, step, model, step.Contract % 2 == 0 ? client : freelancer);
                return;
            case ModelOp.ClosePayout:
                await ClosePayoutAsync(i, step, model, client, freelancer);
                return;
            case ModelOp.KeyBurst:
                await KeyBurstAsync(i, step, model, step.Contract % 2 == 0 ? client : freelancer);
                return;
        }

        {
            var request = step.Op switch
            {
                ModelOp.EndRefund or ModelOp.EndRelease => $"{step.Op}",
                ModelOp.Bonus or ModelOp.Refund => $"{step.Op}/{step.Amount}",
                _ => $"{step.Op}/m{step.Milestone + 1}/{step.Released}",
            };
            var reused = answers.TryGetValue(step.ReuseKeyOf, out var earlier) && earlier.Grain.GetPrimaryKeyString() == grain.GetPrimaryKeyString();
            var key = reused ? earlier.Key : $"k{i}";
            var answer = await AttemptAsync(grain, step, model, client, freelancer, key);
            if (reused && earlier.Request == request)
            {
                Assert.True(answer.Replayed, $"step {i}: the same key and request must replay");
                Assert.Equal(earlier.Answer.Error?.Code, answer.Error?.Code);
                return;
            }

            if (reused)
            {
                Assert.Equal("idempotency_key_reused", answer.Error?.Code);
                return;
            }

            var paid = step.Op is ModelOp.Bonus or ModelOp.Refund ? step.Amount : step.Released;
            var expected = model.Apply(step.Contract, step.Op, step.Milestone, paid, Fixture.Clock.GetUtcNow(), ReviewPeriod);
            Assert.True(expected == answer.Succeeded, $"step {i} {step}: the model says {(expected ? "accepted" : "rejected")}, the grain answered {answer.Error?.Code ?? "ok"}");
            if (model.Refusal is { } why)
            {
                Assert.Equal(why, answer.Error?.Code);
            }

            answers[i] = (grain, key, request, answer);

            // A refusal without a fault moves nothing: the balances are next compared after a step that may move money
            // (any difference stays until then), which keeps the run short.
            quiet = !answer.Succeeded && step.Fault == ModelFault.None;
            var what = step.Op == ModelOp.Approve && step.Released is not null ? "Approve part" : step.Op.ToString();
            Count(answer.Succeeded ? accepted : refused, answer.Succeeded ? what : $"{what} {answer.Error?.Code}");
            if (answer.Succeeded && step.Op is ModelOp.Bonus or ModelOp.Refund)
            {
                var made = model.Contracts[step.Contract] is var c && step.Op == ModelOp.Bonus ? $"b{c.Bonuses.Count}" : $"r{c.Refunds.Count}";
                Assert.Equal(made, answer.Value!.CreatedId);
            }

            // The acknowledged answer again, whatever happened since: same key, same request → the first answer.
            var replay = await SendAsync(grain, step, client, freelancer, key);
            Assert.True(replay.Replayed && replay.Error?.Code == answer.Error?.Code, $"step {i}: the retry did not replay the first answer");
        }
    }

    /// <summary>A payout asked by <paramref name="owner"/>: a failed write of it answers an error and leaves nothing; the retry (same key) asks it once.</summary>
    private async Task PayoutAsync(int i, Step step, ContractModel model, Caller owner)
    {
        var account = Grains.Account(owner.UserId);
        var key = $"p{i}";
        commands++;
        armed[step.Fault] = armed.GetValueOrDefault(step.Fault) + 1;
        if (step.Fault == ModelFault.WriteFails)
        {
            Fixture.Probe.FailNextWrite(account.GetGrainId(), StorageLayout.Account);
            Outcome<Payout>? lost = null;
            try
            {
                lost = await account.RequestPayoutAsync(owner, new PayoutRequest(step.Amount, Usd), key);
            }
            catch (Exception)
            {
                Count(tripped, "Payout WriteFails");
            }
            finally
            {
                Fixture.Probe.ClearFaults();
            }

            Assert.True(lost is null, $"step {i} {step}: the request answered {lost?.Error?.Code ?? "ok"} although its write failed");

            // Nothing was left: no payout, no money moved.
            await BalancesAgreeAsync($"step {i} {step}: after the failed write", model, null, null, owner);
            Assert.DoesNotContain(Ok(await account.GetPayoutsAsync(owner, null, 0, 500)).Items, p => model.Payouts.All(m => m.Id != p.Id));
        }
        else if (step.Fault == ModelFault.Deactivated)
        {
            await Fixture.Cluster.DeactivateAsync(account);
        }

        var answer = await account.RequestPayoutAsync(owner, new PayoutRequest(step.Amount, Usd), key);
        var freelancer = owner.UserId.StartsWith("freelancer-", StringComparison.Ordinal);
        var payout = model.RequestPayout(freelancer, step.Amount, Fixture.Clock.GetUtcNow());
        Assert.True((payout is not null) == answer.Succeeded, $"step {i} {step}: the model says {model.Refusal ?? "accepted"}, the account answered {answer.Error?.Code ?? "ok"}");
        Assert.False(answer.Replayed, $"step {i}: a first request was replayed");
        Assert.Equal(model.Refusal, answer.Error?.Code);
        Count(answer.Succeeded ? accepted : refused, answer.Succeeded ? "Payout" : $"Payout {answer.Error?.Code}");
        if (payout is not null)
        {
            payout.Id = answer.Value!.Id;
            Assert.Equal((step.Amount, PayoutStatus.Pending), (answer.Value.Amount, answer.Value.Status));
        }

        var replay = await account.RequestPayoutAsync(owner, new PayoutRequest(step.Amount, Usd), key);
        Assert.True(replay.Replayed && replay.Error?.Code == answer.Error?.Code && replay.Value?.Id == answer.Value?.Id, $"step {i}: the retry did not replay the first answer");
        KeysOf(owner).Add((key, Fixture.Clock.GetUtcNow(), step.Amount, answer));
    }

    private List<(string Key, DateTimeOffset At, long Amount, Outcome<Payout> Answer)> KeysOf(Caller owner) =>
        accountKeys.TryGetValue(owner.UserId, out var keys) ? keys : accountKeys[owner.UserId] = [];

    /// <summary>
    /// More keyed payout requests than an account keeps whatever their age, each refused (one cent beyond what is
    /// available); then every earlier keyed payout of the account whose key the rule keeps (<see cref="IdempotencyKeys"/>:
    /// among the most recent, or a day old at most when the last key came) is retried and must replay its first answer
    /// — never a second payout (the balances are compared after the step).
    /// </summary>
    private async Task KeyBurstAsync(int i, Step step, ContractModel model, Caller owner)
    {
        var account = Grains.Account(owner.UserId);
        var freelancer = owner.UserId.StartsWith("freelancer-", StringComparison.Ordinal);
        var keys = KeysOf(owner);
        for (var j = 0; j < step.BurstSize; j++)
        {
            var now = Fixture.Clock.GetUtcNow();
            var amount = (freelancer ? model.FreelancerAvailable(now) : model.ClientAvailable) + 1;
            Assert.Null(model.RequestPayout(freelancer, amount, now));
            var key = $"b{i}-{j}";
            var answer = await account.RequestPayoutAsync(owner, new PayoutRequest(amount, Usd), key);
            Assert.Equal((false, "insufficient_funds"), (answer.Replayed, answer.Error?.Code));
            keys.Add((key, now, amount, answer));
        }

        commands += step.BurstSize;
        var last = keys[^1].At;
        foreach (var (earlier, index) in keys.Select((k, n) => (k, n)).Where(k => k.k.Key.StartsWith('p')))
        {
            if (keys.Count - index > IdempotencyKeys.MinKept && earlier.At < last - IdempotencyKeys.Retention)
            {
                continue;
            }

            var replay = await account.RequestPayoutAsync(owner, new PayoutRequest(earlier.Amount, Usd), earlier.Key);
            Assert.True(replay.Replayed && replay.Error?.Code == earlier.Answer.Error?.Code && replay.Value?.Id == earlier.Answer.Value?.Id,
                $"step {i}: the retry of {earlier.Key}, {keys.Count - index - 1} keys later, answered {replay.Error?.Code ?? replay.Value?.Id} (replayed: {replay.Replayed})");
            keysRetried++;
        }
    }

    /// <summary>The platform completes or fails one of the payouts asked so far (if none: an unknown one).</summary>
    private async Task ClosePayoutAsync(int i, Step step, ContractModel model, Caller client, Caller freelancer)
    {
        var outcome = step.Amount % 2 == 0 ? PayoutStatus.Completed : PayoutStatus.Failed;
        var detail = outcome == PayoutStatus.Completed ? $"bank-ref-{i}" : $"Bank said no ({i})";
        commands++;
        if (model.Payouts.Count == 0)
        {
            var owner = step.Contract % 2 == 0 ? client : freelancer;
            Assert.Equal("payout_not_found", (await Grains.Account(owner.UserId).ClosePayoutAsync(Platform, "po_unknown", outcome, detail)).Error?.Code);
            return;
        }

        var payout = model.Payouts[(int)((step.Milestone + step.Share) % model.Payouts.Count)];
        var account = Grains.Account((payout.Freelancer ? freelancer : client).UserId);
        var answer = await account.ClosePayoutAsync(Platform, payout.Id!, outcome, detail);
        var expected = model.ClosePayout(payout, outcome, Fixture.Clock.GetUtcNow());
        Assert.True(expected == answer.Succeeded, $"step {i} {step}: the model says {model.Refusal ?? "accepted"}, the account answered {answer.Error?.Code ?? "ok"}");
        Assert.Equal(model.Refusal, answer.Error?.Code);
        Count(answer.Succeeded ? accepted : refused, answer.Succeeded ? $"ClosePayout {outcome}" : $"ClosePayout {answer.Error?.Code}");
        if (answer.Succeeded)
        {
            Assert.Equal((payout.Id, outcome), (answer.Value!.Id, answer.Value.Status));
            paidOut += outcome == PayoutStatus.Completed ? payout.Amount : 0;
            var again = await account.ClosePayoutAsync(Platform, payout.Id!, outcome, detail);
            Assert.True(again.Succeeded && again.Replayed, $"step {i}: the same outcome again did not replay");
        }
    }

    /// <summary>Both parties' balances (or only <paramref name="only"/>'s) equal the model's now.</summary>
    private async Task BalancesAgreeAsync(string when, ContractModel model, Caller? client, Caller? freelancer, Caller? only = null)
    {
        var now = Fixture.Clock.GetUtcNow();
        model.VoidExpired(now);
        if (only is not null)
        {
            var isFreelancer = only.UserId.StartsWith("freelancer-", StringComparison.Ordinal);
            (client, freelancer) = (isFreelancer ? null : only, isFreelancer ? only : null);
        }

        if (client is not null)
        {
            var balance = Ok(await Grains.Account(client.UserId).GetAsync(client)).Balances.SingleOrDefault();
            Assert.True((model.ClientAvailable, model.ClientHeld, 0L, model.PayingOut(false))
                == (balance?.Available ?? 0, balance?.Held ?? 0, balance?.Pending ?? 0, balance?.PayingOut ?? 0),
                $"{when}: the client's (available, held, pending, paying out) is ({balance?.Available}, {balance?.Held}, {balance?.Pending}, {balance?.PayingOut}), the model says ({model.ClientAvailable}, {model.ClientHeld}, 0, {model.PayingOut(false)})");
        }

        if (freelancer is not null)
        {
            var balance = Ok(await Grains.Account(freelancer.UserId).GetAsync(freelancer)).Balances.SingleOrDefault();
            var want = (model.FreelancerAvailable(now), model.FreelancerPending(now), 0L, model.PayingOut(true));
            Assert.True(want == (balance?.Available ?? 0, balance?.Pending ?? 0, balance?.Held ?? 0, balance?.PayingOut ?? 0),
                $"{when}: the freelancer's (available, pending, held, paying out) is ({balance?.Available}, {balance?.Pending}, {balance?.Held}, {balance?.PayingOut}), the model says {want}");
        }
    }

    private async Task AgreesAtTheEndAsync(ContractModel model, List<IContractGrain> grains, Caller client, Caller freelancer, long feeLines, long feesBefore)
    {
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
            Assert.Equal(want.Bonuses.Select((b, k) => ($"b{k + 1}", b.Amount, b.At, b.ServiceFee)), view.Bonuses.Select(b => (b.Id, b.Amount, b.At, b.ServiceFee)));
            Assert.Equal(want.Refunds.Select((r, k) => ($"r{k + 1}", r.Amount, r.At, r.ServiceFee)), view.Refunds.Select(r => (r.Id, r.Amount, r.At, r.ServiceFee)));
        }

        await BalancesAgreeAsync("at the end", model, client, freelancer);
        foreach (var (party, isFreelancer) in new[] { (client, false), (freelancer, true) })
        {
            var totals = (await Grains.Account(party.UserId).ReportAsync()).Totals.SingleOrDefault(t => t.Currency == Usd);
            Assert.Equal(model.PaidOut(isFreelancer), totals?.PaidOut ?? 0);
            var payouts = Ok(await Grains.Account(party.UserId).GetPayoutsAsync(party, null, 0, 500)).Items;
            Assert.Equal(model.Payouts.Where(p => p.Freelancer == isFreelancer).Select(p => (p.Id, p.Amount, p.Status)), payouts.Select(p => ((string?)p.Id, p.Amount, p.Status)));
        }

        // The fee account: this sequence's contracts were charged exactly the model's fees, each under its own id, and
        // its balance moved by exactly what its new lines credited (other tests' releases, due meanwhile, included).
        var lines = await FeeLinesAfterAsync(feeLines);
        var ours = lines.Where(l => grains.Exists(g => g.GetPrimaryKeyString() == l.Order.ContractId)).ToList();
        for (var i = 0; i < Contracts; i++)
        {
            var contract = grains[i].GetPrimaryKeyString();
            var mine = ours.Where(l => l.Order.ContractId == contract).ToList();
            long Sum(TransferKind kind, string fee) =>
                mine.Where(l => l.Order.Kind == kind && l.Order.TransferId.EndsWith(fee, StringComparison.Ordinal)).Sum(l => l.Order.Amount.Amount);
            var want = model.Contracts[i];
            Assert.Equal((want.ServiceFees, want.ClientFees, want.ServiceFeesReturned),
                (Sum(TransferKind.Credit, "/service-fee"), Sum(TransferKind.Credit, "/client-fee"), Sum(TransferKind.Debit, "/service-fee")));
            Assert.Equal(mine.Count, mine.Count(l => l.Order.Kind is TransferKind.Credit or TransferKind.Debit));
        }

        Assert.Equal(ours.Count, ours.Select(l => l.Order.TransferId).Distinct().Count());
        Assert.Equal(feesBefore + lines.Sum(l => l.Order.Kind == TransferKind.Debit ? -l.Order.Amount.Amount : l.Order.Amount.Amount), (await FeeBalanceAsync()).Available);
    }

    /// <summary>The first attempt with the step's fault armed; a client retries with the same key until it gets an answer.</summary>
    private async Task<Outcome<ContractResult>> AttemptAsync(IContractGrain grain, Step step, ContractModel model, Caller client, Caller freelancer, string key)
    {
        var target = await ArmAsync(grain, step, model);
        commands++;
        armed[step.Fault] = armed.GetValueOrDefault(step.Fault) + 1;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var answer = await SendAsync(grain, step, client, freelancer, key);
                if (attempt == 0 && step.Op is ModelOp.Bonus or ModelOp.Refund && step.Fault is ModelFault.AccountFailsBefore or ModelFault.AccountFailsAfter
                    && !Fixture.Probe.TransferFaultArmed(grain.GetPrimaryKeyString()))
                {
                    // The fault hit one of its sources or credits: the transfer was interrupted, and says so.
                    Assert.True(answer.Error?.Code == "transfer_in_progress", $"{step}: interrupted at {target}, answered {answer.Error?.Code ?? "ok"}");
                    Count(tripped, $"{step.Op} {step.Fault} {target}");
                }

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

    /// <summary>Arms the step's fault; returns the transfer (kind, leg) an account fault is armed for.</summary>
    private async Task<(TransferKind Kind, string? Leg)> ArmAsync(IContractGrain grain, Step step, ContractModel model)
    {
        var id = grain.GetPrimaryKeyString();
        var contract = model.Contracts[step.Contract];
        var bonus = $"/bonus/b{contract.Bonuses.Count + 1}";
        var refund = $"/return/r{contract.Refunds.Count + 1}";
        (TransferKind Kind, string? Leg) target = step.Op switch
        {
            ModelOp.Fund => (TransferKind.Hold, null),
            ModelOp.EndRefund => (TransferKind.Refund, null),

            // A bonus: the client's debit (its source), or the credit to the freelancer or to the fee account (either fee).
            ModelOp.Bonus => ((step.Milestone + (int)step.Share) % 4) switch
            {
                0 => (TransferKind.Debit, null),
                1 => (TransferKind.Credit, bonus),
                2 => (TransferKind.Credit, "/service-fee"),
                _ => (TransferKind.Credit, "/client-fee"),
            },

            // A refund: the freelancer's debit or the fee account's (its two sources), or either credit to the client.
            ModelOp.Refund => ((step.Milestone + (int)step.Share) % 4) switch
            {
                0 => (TransferKind.Debit, refund),
                1 => (TransferKind.Debit, "/service-fee"),
                2 => (TransferKind.Credit, refund),
                _ => (TransferKind.Credit, "/service-fee"),
            },
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
            case ModelFault.FeeWriteFails:
                Fixture.Probe.FailNextWrite(FeeAccount.GetGrainId(), StorageLayout.Account);
                break;
        }

        return target;
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
            ModelOp.Bonus => grain.PayBonusAsync(client, new PayMoney(step.Amount), options),
            ModelOp.Refund => grain.IssueRefundAsync(freelancer, new PayMoney(step.Amount), options),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }
}
