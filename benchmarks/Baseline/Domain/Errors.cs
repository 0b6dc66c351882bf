namespace Milestones.Baseline.Domain;

/// <summary>The rejections the baseline gives: the same codes, statuses and messages as the Milestones API.</summary>
internal static class Errors
{
    public static Error Invalid(string code, string field, string message) => new(ErrorKind.Validation, code, message, field);

    public static Error ContractNotFound() => new(ErrorKind.NotFound, "contract_not_found", "No such contract.");
    public static Error MilestoneNotFound(string id) => new(ErrorKind.NotFound, "milestone_not_found", $"No milestone '{id}' on this contract.");
    public static Error AccountNotFound() => new(ErrorKind.NotFound, "account_not_found", "No such account.");

    public static Error RoleNotAllowed(PartyRole role, string action) =>
        new(ErrorKind.Forbidden, "role_not_allowed", $"The {Name(role)} may not {action}.");

    public static Error WrongContractState(string status, string command) =>
        new(ErrorKind.Conflict, "contract_state_conflict", $"A contract that is {status} does not allow {command}.");
    public static Error TermsVersionMismatch(int current) =>
        new(ErrorKind.Conflict, "terms_version_mismatch", $"The current terms version is {current}.");
    public static Error AlreadyAccepted() => new(ErrorKind.Conflict, "terms_already_accepted", "You have already accepted this terms version.");
    public static Error MilestoneNotFundable(string id, string status) =>
        new(ErrorKind.Conflict, "milestone_not_fundable", $"Milestone '{id}' is {status} and does not allow Fund.");
    public static Error WrongMilestoneState(string id, string status, string command) =>
        new(ErrorKind.Conflict, "milestone_state_conflict", $"Milestone '{id}' is {status} and does not allow {command}.");
    public static Error OutOfOrder(string id, string blocking) =>
        new(ErrorKind.Conflict, "milestone_out_of_order", $"Milestone '{id}' cannot be funded before milestone '{blocking}' is released.");
    public static Error InsufficientFunds(long available, long needed) =>
        new(ErrorKind.Conflict, "insufficient_funds", $"Available {available} is less than the {needed} needed.");
    public static Error TransferIdConflict(string id) =>
        new(ErrorKind.Conflict, "transfer_id_conflict", $"Transfer '{id}' was already applied with different details.");
    public static Error DepositReferenceConflict(string reference) =>
        new(ErrorKind.Conflict, "deposit_reference_conflict", $"Deposit reference '{reference}' was already used with a different amount or currency.");
    public static Error Unavailable() => new(ErrorKind.Unavailable, "unavailable", "The database is busy or unreachable; retry shortly.");

    private static string Name(PartyRole role) => role switch
    {
        PartyRole.Client => "client",
        PartyRole.Freelancer => "freelancer",
        PartyRole.Platform => "platform",
        _ => "stranger",
    };
}
