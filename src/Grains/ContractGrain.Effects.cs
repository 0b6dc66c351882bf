using Microsoft.Extensions.Logging;
using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

// The side effects of a saved decision: moving money between accounts, the auto-release reminder, "My Jobs".
internal sealed partial class ContractGrain
{
    /// <summary>Finishes a transfer a crash or a failed call left open. False if it is still open.</summary>
    private async Task<bool> TryFinishOpenTransferAsync()
    {
        var outcome = await RunOpenTransferAsync();
        return outcome.Error?.Code != Errors.TransferInProgress().Code;
    }

    /// <summary>
    /// The intent is saved; apply it on the accounts (each applies a transfer id at most once), then save the
    /// outcome. A failure leaves the intent open, to be finished by the next command or activation.
    /// A successful funding may be acknowledged before its outcome is saved: the saved intent and the client's
    /// hold fully decide it (same transfer id, same decision time, same pending key), so finishing the intent
    /// again after a crash gives exactly the acknowledged state, and the hold is never applied twice. The outcome
    /// is written with the contract's next change (or on deactivation). A release or refund is always saved: it
    /// changes reminders and "My Jobs", and a refused hold is saved because a retry could be accepted.
    /// </summary>
    private async Task<Outcome<ContractResult>> RunOpenTransferAsync(bool acknowledgeFundBeforeSaving = false)
    {
        var intent = State.OpenTransfer!;
        Error? refused;
        try
        {
            refused = await ApplyOnAccountsAsync(intent);
        }
        catch (Exception ex)
        {
            LogTransferStaysOpen(ex, intent.TransferId, State.Id);
            return Errors.TransferInProgress();
        }

        if (refused is null)
        {
            contract.TransferApplied(store.State.TransferDecidedAt ?? Now);
        }
        else
        {
            contract.TransferRejected();
        }

        var key = store.State.PendingKey;
        store.State.PendingKey = null;
        store.State.TransferDecidedAt = null;
        var result = new ContractResult(contract.ToView());
        if (refused is null && key is not null)
        {
            store.State.RememberKey(key with { Result = result });
        }

        if (acknowledgeFundBeforeSaving && refused is null && intent.Purpose == TransferPurpose.Fund)
        {
            unsaved = true;
        }
        else
        {
            await SaveWithReminderAsync();
        }

        if (refused is null)
        {
            MilestonesMetrics.TransferApplied(intent, State.Currency);
        }

        await AfterChangeAsync();
        return refused ?? Outcome<ContractResult>.Ok(result);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer {TransferId} on {ContractId} could not complete; it stays open")]
    private partial void LogTransferStaysOpen(Exception exception, string transferId, string contractId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The funding outcome of {ContractId} was not saved on deactivation; its next activation finishes the saved intent again")]
    private partial void LogOutcomeLeftToRecovery(Exception exception, string contractId);

    /// <summary>Saves a decided transfer before any account is called, with the time it was decided.</summary>
    private async Task SaveIntentAsync()
    {
        store.State.TransferDecidedAt = Now;
        await SaveAsync();
    }

    private async Task<Error?> ApplyOnAccountsAsync(TransferIntent intent)
    {
        var client = GrainFactory.Account(State.ClientId);
        var money = new Money(intent.Amount, State.Currency);
        TransferOrder Order(TransferKind kind, string? counterparty) =>
            new(intent.TransferId, kind, money, State.Id, intent.MilestoneId, counterparty);

        switch (intent.Purpose)
        {
            case TransferPurpose.Fund:
                return (await client.ApplyAsync(Order(TransferKind.Hold, null))).Error;
            case TransferPurpose.EndRefund:
                Ensure(await client.ApplyAsync(Order(TransferKind.Refund, null)), intent);
                return null;
            default:
                Ensure(await client.ApplyAsync(Order(TransferKind.Capture, State.FreelancerId)), intent);
                Ensure(await GrainFactory.Account(State.FreelancerId).ApplyAsync(Order(TransferKind.Credit, State.ClientId)), intent);
                await client.SettleAsync(intent.TransferId);
                return null;
        }
    }

    /// <summary>Only a hold may be refused; a refused capture, credit or refund means the books disagree.</summary>
    private static void Ensure(TransferResult result, TransferIntent intent)
    {
        if (result.Error is { } error)
        {
            throw new InvalidOperationException($"Transfer {intent.TransferId} was refused: {error.Code} {error.Message}");
        }
    }

    private async Task SaveAsync()
    {
        unsaved = false;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // The state in memory may now differ from the store: start again from the store next time.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Saves the state. A reminder the new state needs is registered first, so no crash can leave a submission without one.</summary>
    private async Task SaveWithReminderAsync()
    {
        if (contract.NextAutoReleaseAt is { } due && due != store.State.ReminderDueAt)
        {
            var delay = due - Now;
            await this.RegisterOrUpdateReminder(AutoReleaseReminder.Name, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, AutoReleaseReminder.Period);
            store.State.ReminderDueAt = due;
        }

        await SaveAsync();
    }

    /// <summary>After a save: drop a reminder nothing needs any more, and bring "My Jobs" up to date.</summary>
    private async Task AfterChangeAsync()
    {
        if (contract.NextAutoReleaseAt is null && store.State.ReminderDueAt is not null)
        {
            await UnregisterReminderAsync();
        }

        await SyncIndexAsync();
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(AutoReleaseReminder.Name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        store.State.ReminderDueAt = null;
    }

    private async Task SyncIndexAsync()
    {
        if (!State.Exists || store.State.IndexedStatus == State.Status)
        {
            return;
        }

        await Task.WhenAll(
            GrainFactory.UserContracts(State.ClientId).UpsertAsync(State.ToSummary(PartyRole.Client)),
            GrainFactory.UserContracts(State.FreelancerId).UpsertAsync(State.ToSummary(PartyRole.Freelancer)));
        store.State.IndexedStatus = State.Status;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.OpenTransfer is not null && !await TryFinishOpenTransferAsync())
        {
            return;
        }

        if (contract.AutoRelease(Now) is null)
        {
            await SaveIntentAsync();
            await RunOpenTransferAsync();
        }
        else if (contract.NextAutoReleaseAt is null)
        {
            // Nothing is under review any more: this reminder has outlived its milestone.
            await UnregisterReminderAsync();
        }
    }
}
