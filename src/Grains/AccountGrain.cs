using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>One user's escrow account. Never calls a contract, so contract → account calls cannot form a cycle.</summary>
internal sealed class AccountGrain(
    [PersistentState("account", StorageNames.Grains)] IPersistentState<AccountState> store,
    TimeProvider clock) : Grain, IAccountGrain
{
    private Account account = null!;

    private string UserId => GrainKeys.UserIdOf(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        account = new Account(store.State);
        return Task.CompletedTask;
    }

    /// <summary>How many deposit idempotency keys an account remembers (the provider's reference is the lasting guard).</summary>
    private const int MaxDepositKeys = 64;

    public async Task<Outcome<AccountView>> DepositAsync(Caller caller, Deposit deposit, string? idempotencyKey = null)
    {
        if (!caller.IsPlatform)
        {
            return caller.UserId == UserId
                ? Errors.RoleNotAllowed(PartyRole.Client, "record deposits; the platform does")
                : Errors.AccountNotFound();
        }

        var error = Validate.Currency(deposit.Currency)
            ?? Validate.Text(deposit.Reference, "reference", Validate.MaxIdLength)
            ?? (deposit.Amount <= 0 ? Errors.Invalid("invalid_amount", "amount", "A deposit must be a positive integer in minor units.") : null);
        if (error is not null)
        {
            return error;
        }

        var asked = $"{deposit.Amount} {deposit.Currency} {deposit.Reference}";
        var known = store.State.DepositKeys.Find(k => k.Key == idempotencyKey);
        if (idempotencyKey is not null && known.Key is not null && known.Value != asked)
        {
            return Errors.IdempotencyKeyReused();
        }

        // A new key is added before the deposit so that it is saved in the same write; a refused deposit takes it back.
        var newKey = idempotencyKey is not null && known.Key is null ? new KeyValuePair<string, string>(idempotencyKey, asked) : default;
        if (newKey.Key is not null)
        {
            store.State.DepositKeys.Add(newKey);
        }

        var result = await ApplyAsync(new TransferOrder($"deposit/{deposit.Reference}", TransferKind.Deposit, new Money(deposit.Amount, deposit.Currency)));
        if (result.Error is { } refused)
        {
            store.State.DepositKeys.Remove(newKey);
            return refused;
        }

        if (store.State.DepositKeys.Count > MaxDepositKeys)
        {
            store.State.DepositKeys.RemoveAt(0);
        }

        return new Outcome<AccountView>(View(), null, result.Replayed);
    }

    public Task<Outcome<AccountView>> GetAsync(Caller caller) =>
        Task.FromResult(CanRead(caller) ?? Outcome<AccountView>.Ok(View()));

    public Task<Outcome<TransferPage>> GetTransfersAsync(Caller caller, long after, int limit)
    {
        if (CanRead(caller) is { } error)
        {
            return Task.FromResult<Outcome<TransferPage>>(error);
        }

        limit = Math.Clamp(limit, 1, 500);
        var page = store.State.Entries.Where(e => e.Seq > after).Take(limit + 1).ToList();
        var next = page.Count > limit ? page[limit - 1].Seq : (long?)null;
        return Task.FromResult(Outcome<TransferPage>.Ok(new TransferPage(page.Take(limit).ToList(), next)));
    }

    public async Task<TransferResult> ApplyAsync(TransferOrder order)
    {
        if (!store.State.Registered)
        {
            // Register before the first money lands: a crash in between leaves an empty account registered, never money unseen.
            await GrainFactory.GetGrain<IAccountRegistryGrain>(AccountRegistryGrain.ShardOf(UserId)).RegisterAsync(UserId);
            store.State.Registered = true;
        }

        var result = account.Apply(order, clock.GetUtcNow());
        if (result.Succeeded && !result.Replayed)
        {
            await SaveAsync();
        }

        return result;
    }

    public async Task SettleAsync(string transferId)
    {
        if (account.Settle(transferId))
        {
            await SaveAsync();
        }
    }

    public Task<bool> HasAppliedAsync(string transferId) => Task.FromResult(account.HasApplied(transferId));

    public Task<AccountReport> ReportAsync()
    {
        var totals = store.State.Balances
            .Select(b => new AccountTotals(b.Key, b.Value.Available, b.Value.Held, b.Value.Deposited, b.Value.PaidOut))
            .ToList();
        var inTransit = store.State.InTransit.Values
            .Select(o => new InTransitTransfer(o.TransferId, o.Counterparty!, o.Amount.Currency, o.Amount.Amount))
            .ToList();
        return Task.FromResult(new AccountReport(totals, inTransit));
    }

    private Error? CanRead(Caller caller) => caller.IsPlatform || caller.UserId == UserId ? null : Errors.AccountNotFound();

    private AccountView View() => new(UserId, store.State.Balances
        .OrderBy(b => b.Key, StringComparer.Ordinal)
        .Select(b => new BalanceView(b.Key, b.Value.Available, b.Value.Held, store.State.Holds.Values
            .Where(h => h.Amount.Currency == b.Key)
            .Select(h => new HoldView(h.ContractId, h.MilestoneId, h.Amount.Amount, h.At))
            .ToList()))
        .ToList());

    private async Task SaveAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
