using Microsoft.Extensions.DependencyInjection;
using Milestones.Contracts;
using Milestones.Domain;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>Base of the grain tests: fresh users and contracts per test, and the ledger check after every test.</summary>
[Collection(ClusterCollection.Name)]
public abstract class GrainTest(ClusterFixture fixture) : IAsyncLifetime
{
    protected const string Usd = "USD";
    protected static readonly Caller Platform = new("marketplace", IsPlatform: true);

    protected static readonly TimeSpan ReviewPeriod = TimeSpan.FromDays(14);

    /// <summary>How long a release stays pending on the freelancer's account (the default rules).</summary>
    protected static readonly TimeSpan SecurityPeriod = TimeSpan.FromDays(5);

    protected ClusterFixture Fixture => fixture;
    protected IGrainFactory Grains => fixture.Client;

    /// <summary>The grain storage, as the grains see it.</summary>
    protected IGrainStorage Storage => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageLayout.Storage);
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
    /// Moves the fake clock by <paramref name="by"/>, then runs one scan of the due grains (as its timer does) and
    /// waits until <paramref name="grain"/> has been woken by it; fails if the grain was not due.
    /// </summary>
    protected async Task AdvanceAndWakeAsync(IContractGrain grain, TimeSpan by)
    {
        var woken = fixture.Probe.Woken(grain.GetPrimaryKeyString());
        fixture.Clock.Advance(by);
        await ScanAsync();
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>One scan of the due grains, as <see cref="Wakeups.DueWakeupGrain"/>'s timer runs it; returns how many woke.</summary>
    protected Task<int> ScanAsync() => Grains.GetGrain<Wakeups.IDueWakeupGrain>(0).ScanAsync();

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
        return view.Balances.SingleOrDefault(b => b.Currency == Usd) ?? new BalanceView(Usd, 0, 0, [], 0, [], 0);
    }

    /// <summary>The platform's fee account in dollars (shared by every test of the cluster: compare its balance before and after).</summary>
    protected IAccountGrain FeeAccount => Grains.AccountByKey(GrainKeys.FeeAccount(Usd));

    protected async Task<BalanceView> FeeBalanceAsync()
    {
        var view = Ok(await FeeAccount.GetAsync(Platform));
        return view.Balances.SingleOrDefault(b => b.Currency == Usd) ?? new BalanceView(Usd, 0, 0, [], 0, [], 0);
    }

    /// <summary>How many lines the fee account's ledger has now (a statement never reads past its end, so it is walked).</summary>
    protected async Task<long> FeeLineCountAsync()
    {
        var count = fixture.FeeLinesSeen;
        for (long? from = count; from is { } next;)
        {
            var page = Ok(await FeeAccount.GetTransfersAsync(Platform, next, 500));
            count = page.Entries.Count > 0 ? page.Entries[^1].Seq : count;
            from = page.NextAfter;
        }

        return fixture.FeeLinesSeen = count;
    }

    /// <summary>The fee account's lines after line <paramref name="after"/>.</summary>
    protected async Task<List<LedgerEntry>> FeeLinesAfterAsync(long after)
    {
        var lines = new List<LedgerEntry>();
        for (long? from = after; from is { } next;)
        {
            var page = Ok(await FeeAccount.GetTransfersAsync(Platform, next, 500));
            lines.AddRange(page.Entries);
            from = page.NextAfter;
        }

        return lines;
    }

    /// <summary>The fee account's lines after line <paramref name="after"/> that charged <paramref name="contract"/>.</summary>
    protected async Task<List<LedgerEntry>> FeeLinesAsync(long after, IContractGrain contract) =>
        (await FeeLinesAfterAsync(after)).Where(l => l.Order.ContractId == contract.GetPrimaryKeyString()).ToList();

    /// <summary>Fee lines as (the last part of their transfer id, amount), in a stable order (the two fees are credited at once).</summary>
    protected static List<(string Fee, long Amount)> Charges(IEnumerable<LedgerEntry> lines) =>
        lines.Select(l => (l.Order.TransferId[(l.Order.TransferId.LastIndexOf('/') + 1)..], l.Order.Amount.Amount)).Order().ToList();

    /// <summary>An account's row as stored, read past the grain (a read through the grain lets due time act first).</summary>
    protected async Task<AccountState> StoredAccountAsync(IAccountGrain account)
    {
        var stored = new GrainState<AccountState>(new AccountState());
        await Storage.ReadStateAsync(StorageLayout.Account, account.GetGrainId(), stored);
        return stored.State!;
    }

    /// <summary>
    /// A contract's row as stored, read past the grain, with the keys stored with their answers (as an activation reads
    /// them); the row itself holds no key.
    /// </summary>
    protected async Task<ContractGrainState> StoredStateAsync(IContractGrain grain)
    {
        var stored = new GrainState<ContractGrainState>(new ContractGrainState());
        await Storage.ReadStateAsync(StorageLayout.Contract, grain.GetGrainId(), stored);
        Assert.Empty(stored.State!.EarlierKeys);
        var answers = Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IRememberedAnswers>();
        stored.State.KeysStored(await answers.ReadKeysAsync(grain.GetGrainId(), Events.FeedEvents.ContractStream(grain.GetPrimaryKeyString()), CancellationToken.None));
        return stored.State;
    }

    /// <summary>The ledger check now: every currency balanced (pending and the fee accounts counted), nothing in transit.</summary>
    protected async Task<LedgerCurrencyReport> LedgerExactAsync()
    {
        var report = Ok(await Grains.Ledger().VerifyAsync(Platform));
        Assert.True(report.Balanced, string.Join("; ", report.Currencies));
        Assert.All(report.Currencies, c => Assert.Equal(0, c.InTransit));
        return Assert.Single(report.Currencies, c => c.Currency == Usd);
    }
}
