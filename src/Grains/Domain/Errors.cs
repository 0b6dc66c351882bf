namespace Milestones.Domain;

/// <summary>Every rejection the domain can give. Codes are part of the public API: never rename one.</summary>
public static class Errors
{
    public static Error Invalid(string code, string field, string message) => new(ErrorKind.Validation, code, message, field);

    public static Error InvalidCursor(string field = "cursor") =>
        Invalid("invalid_cursor", field, $"{field} must be a nextCursor returned by this API.");

    public static Error CursorExpired(string field) =>
        Invalid("cursor_expired", field, $"Events after this {field} have passed the feed's retention; read from the start (no {field}) or a later cursor.");

    public static Error ContractNotFound() => new(ErrorKind.NotFound, "contract_not_found", "No such contract.");
    public static Error MilestoneNotFound(string id) => new(ErrorKind.NotFound, "milestone_not_found", $"No milestone '{id}' on this contract.");
    public static Error ChangeRequestNotFound(string id) => new(ErrorKind.NotFound, "change_request_not_found", $"No change request '{id}' on this contract.");
    public static Error AccountNotFound() => new(ErrorKind.NotFound, "account_not_found", "No such account.");

    public static Error RoleNotAllowed(PartyRole role, string action) =>
        new(ErrorKind.Forbidden, "role_not_allowed", $"The {role.ToString().ToLowerInvariant()} may not {action}.");

    public static Error PlatformOnly(string action) => new(ErrorKind.Forbidden, "role_not_allowed", $"Only the platform may {action}.");

    public static Error SandboxOnly() =>
        new(ErrorKind.Conflict, "sandbox_only", "The silos do not run in Development: the product's clock moves with real time only.");

    public static Error ContractExists() => new(ErrorKind.Conflict, "contract_already_exists", "A contract with this id already exists.");
    public static Error WrongContractState(ContractStatus status, ContractCommand command) =>
        new(ErrorKind.Conflict, "contract_state_conflict", $"A contract that is {status.ToString().ToLowerInvariant()} does not allow {command}.");
    public static Error TermsVersionMismatch(int current) =>
        new(ErrorKind.Conflict, "terms_version_mismatch", $"The current terms version is {current}.");
    public static Error AlreadyAccepted() => new(ErrorKind.Conflict, "terms_already_accepted", "You have already accepted this terms version.");
    public static Error MilestoneLocked(string id) =>
        new(ErrorKind.Conflict, "milestone_locked", $"Milestone '{id}' is funded, submitted or closed and cannot be changed.");
    public static Error WrongMilestoneState(string id, MilestoneStatus status, MilestoneCommand command) =>
        new(ErrorKind.Conflict, command == MilestoneCommand.Fund ? "milestone_not_fundable" : "milestone_state_conflict",
            $"Milestone '{id}' is {status.ToString().ToLowerInvariant()} and does not allow {command}.");
    public static Error OutOfOrder(string id, string blocking) =>
        new(ErrorKind.Conflict, "milestone_out_of_order", $"Milestone '{id}' cannot be funded before milestone '{blocking}' is released.");
    public static Error LastMilestone() => new(ErrorKind.Conflict, "last_milestone", "A contract keeps at least one open milestone; end the contract instead.");
    public static Error ChangeRequestNotOpen(string id) => new(ErrorKind.Conflict, "change_request_not_open", $"Change request '{id}' is no longer open.");
    public static Error ChangeRequestStale(string id) =>
        new(ErrorKind.Conflict, "change_request_stale", $"Change request '{id}' touches milestone(s) that are no longer pending.");
    public static Error TransferInProgress() => new(ErrorKind.Unavailable, "transfer_in_progress", "A money movement on this contract is being completed; retry shortly.");

    public static Error ContractHalted() =>
        new(ErrorKind.Conflict, "contract_halted", "This contract is stopped: an account refused one of its money movements, so its books need the platform's attention.");

    public static Error InsufficientFunds(long available, long needed) =>
        new(ErrorKind.Conflict, "insufficient_funds", $"Available {available} is less than the {needed} needed.");
    public static Error PayoutNotFound(string id) => new(ErrorKind.NotFound, "payout_not_found", $"No payout '{id}' on this account.");
    public static Error PayoutNotPending(string id, PayoutStatus status) =>
        new(ErrorKind.Conflict, "payout_not_pending", $"Payout '{id}' is {status.ToString().ToLowerInvariant()}; only a pending payout can be completed or failed.");
    public static Error RefundTooLarge(long refundable) =>
        new(ErrorKind.Conflict, "refund_exceeds_released", $"At most {refundable} can be refunded: what was released in the last 180 days and not refunded yet.");
    public static Error HoldNotFound(string key) => new(ErrorKind.Conflict, "hold_not_found", $"No hold for '{key}'.");
    public static Error TransferIdConflict(string id) =>
        new(ErrorKind.Conflict, "transfer_id_conflict", $"Transfer '{id}' was already applied with different details.");
    public static Error DepositReferenceConflict(string reference) =>
        new(ErrorKind.Conflict, "deposit_reference_conflict", $"Deposit reference '{reference}' was already used with a different amount or currency.");

    public static Error DepositReferenceTaken(string reference) =>
        new(ErrorKind.Conflict, "deposit_reference_conflict", $"Deposit reference '{reference}' was already used for another account.");

    public static Error VersionMismatch(long current) =>
        new(ErrorKind.PreconditionFailed, "version_mismatch", $"The contract has changed; its current version is {current}.");
    public static Error IdempotencyKeyReused() =>
        new(ErrorKind.IdempotencyMismatch, "idempotency_key_reused", "This idempotency key was already used with a different request.");
}
