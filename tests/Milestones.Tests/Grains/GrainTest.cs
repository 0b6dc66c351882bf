using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>Base of the grain tests: fresh users and contracts per test, and the ledger check after every test.</summary>
[Collection(ClusterCollection.Name)]
public abstract class GrainTest(ClusterFixture fixture) : IAsyncLifetime
{
    protected const string Usd = "USD";
    protected static readonly Caller Platform = new("marketplace", IsPlatform: true);

    protected static readonly TimeSpan ReviewPeriod = TimeSpan.FromDays(14);

    protected ClusterFixture Fixture => fixture;
    protected IGrainFactory Grains => fixture.Client;
    protected Caller Client { get; } = new("client-" + Guid.NewGuid().ToString("N")[..8]);
    protected Caller Freelancer { get; } = new("freelancer-" + Guid.NewGuid().ToString("N")[..8]);
    protected DateOnly Due => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime).AddDays(30);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>After every test: the money in all accounts equals deposits, over every account (a test may halt its own contract).</summary>
    public async Task DisposeAsync()
    {
        var report = await Grains.Ledger().VerifyAsync(Platform);
        Assert.True(report.Value!.Balanced, string.Join("; ", report.Value.Currencies));
        Assert.All(report.Value.Currencies, c => Assert.Equal(0, c.InTransit));
    }

    /// <summary>
    /// Moves the fake clock by <paramref name="first"/>, then on by one reminder period at a time, until the
    /// grain has handled a reminder tick. Orleans' reminder service re-arms its timers asynchronously, so a
    /// tick can need a later clock step to be delivered (a reminder may be late by its period). Bounded: fails
    /// if no tick comes within <paramref name="periods"/> periods (ten unless a test that has just started its silos,
    /// whose reminder service may still be loading the table, allows more).
    /// </summary>
    protected async Task AdvanceUntilReminderHandledAsync(IContractGrain grain, TimeSpan first, int periods = 10)
    {
        var handled = fixture.Probe.ReminderHandled(grain.GetPrimaryKeyString());
        fixture.Clock.Advance(first);
        for (var step = 0; step < periods && !handled.IsCompleted; step++)
        {
            await Task.WhenAny(handled, Task.Delay(TimeSpan.FromMilliseconds(250)));
            fixture.Clock.Advance(AutoReleaseReminder.Period);
        }

        await handled.WaitAsync(TimeSpan.FromSeconds(10));
    }

    protected async Task DepositAsync(Caller user, long amount, string? reference = null)
    {
        var outcome = await Grains.Account(user.UserId).DepositAsync(Platform, new Deposit(amount, Usd, reference ?? Guid.NewGuid().ToString("N")));
        Assert.Null(outcome.Error);
    }

    protected async Task<IContractGrain> CreateAsync(params long[] amounts)
    {
        var grain = Grains.Contract(GrainKeys.NewContractId());
        var outcome = await grain.CreateAsync(Client, new CreateContract(
            "Build a shop", Freelancer.UserId, Usd, amounts.Select((a, i) => new NewMilestone($"Part {i + 1}", Due, a)).ToList()),
            CommandOptions.None);
        Assert.Null(outcome.Error);
        return grain;
    }

    protected async Task<IContractGrain> CreateActiveAsync(params long[] amounts)
    {
        var grain = await CreateAsync(amounts);
        Ok(await grain.AcceptTermsAsync(Client, 1, CommandOptions.None));
        Assert.Equal(ContractStatus.Active, Ok(await grain.AcceptTermsAsync(Freelancer, 1, CommandOptions.None)).Contract.Status);
        return grain;
    }

    protected static T Ok<T>(Outcome<T> outcome)
    {
        Assert.Null(outcome.Error);
        return outcome.Value!;
    }

    protected static void Rejected<T>(Outcome<T> outcome, string code)
    {
        Assert.NotNull(outcome.Error);
        Assert.Equal(code, outcome.Error.Code);
    }

    protected async Task<ContractView> ViewAsync(IContractGrain grain) => Ok(await grain.GetAsync(Client));

    protected async Task<BalanceView> BalanceAsync(Caller user)
    {
        var view = Ok(await Grains.Account(user.UserId).GetAsync(user));
        return view.Balances.SingleOrDefault(b => b.Currency == Usd) ?? new BalanceView(Usd, 0, 0, []);
    }
}
