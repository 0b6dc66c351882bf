using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>One problem code of the API: its HTTP status and what it means. Codes are part of the public API: never rename one.</summary>
public sealed record ProblemCode(string Code, int Status, string Meaning);

/// <summary>
/// Every problem <c>code</c> the API can answer: the OpenAPI document's <c>ProblemCode</c> enum and the README's table
/// are made from it, and a problem answered with a code it does not list is logged as an error.
/// </summary>
public static class ProblemCatalogue
{
    public static IReadOnlyList<ProblemCode> All { get; } =
    [
        // 400: the request itself is wrong; nothing changed.
        new("validation_failed", 400, "Required fields are missing; `errors` names each."),
        new("malformed_json", 400, "The body is not JSON of the request's shape (a wrong type, number or enum value)."),
        new("unknown_field", 400, "The body has a member the request does not define."),
        new("duplicate_field", 400, "The body names a member twice."),
        new("bad_request", 400, "The request could not be read."),
        new("invalid_parameter", 400, "A query or route parameter has the wrong type."),
        new("invalid_idempotency_key", 400, "`Idempotency-Key` is not one value of 1 to 255 characters."),
        new("invalid_if_match", 400, "`If-Match` is not an `ETag` this API returned."),
        new(Validate.InvalidIdCode, 400, "An id starts or ends with white space, or has control, invisible or separator characters."),
        new("invalid_cursor", 400, "A cursor is not one this API returned."),
        new("cursor_expired", 400, "The events after this cursor have passed the feed's retention."),
        new("invalid_amount", 400, "An amount is not a positive integer in minor units."),
        new("amount_too_large", 400, "An amount exceeds the largest allowed, or would take a balance beyond what it can hold."),
        new("unknown_currency", 400, "Not a supported ISO 4217 currency code."),
        new("due_date_in_past", 400, "A due date is before today."),
        new("milestones_required", 400, "A contract needs at least one milestone, and none may be null."),
        new("too_many_milestones", 400, "More milestones than a contract may have."),
        new("milestone_fields_required", 400, "An added milestone needs a description, a due date and an amount."),
        new("parties_must_differ", 400, "The freelancer is the client."),
        new("position_out_of_range", 400, "A milestone position outside the contract's open milestones."),
        new("nothing_to_change", 400, "An edit that changes no field."),
        new("invalid_operation", 400, "A change operation that is not add, edit or delete."),
        new("invalid_operations", 400, "A change request needs 1 to 50 operations."),
        new("too_many_links", 400, "More links than a submission may have."),
        new("invalid_link", 400, "A link is not an absolute http(s) URL of at most 2,048 characters."),
        new("invalid_held_funds", 400, "`heldFunds` is not refund or release."),
        new("nothing_due", 400, "No submitted milestone has reached its auto-release time."),
        new("invalid_role", 400, "`role` is not client or freelancer."),
        new("invalid_status", 400, "`status` is not one of the values the list takes."),
        new("invalid_outcome", 400, "A payout is completed or failed by the platform; only its timeout voids it."),
        new("invalid_legs", 400, "A transfer's legs do not add up (the contract that sent it halts)."),
        new("invalid_kind", 400, "A transfer of a kind only an account's own commands make (the contract that sent it halts)."),
        new("invalid_webhook_url", 400, "A webhook URL that is not an absolute https URL of a public host."),
        new("invalid_duration", 400, "`advanceBy` is not an ISO 8601 duration of days, hours, minutes and seconds, more than zero and at most 366 days."),
        new("invalid_type", 400, "`types` has more than 50 entries or one that is not an event type."),
        new("invalid_from", 400, "`from` is not an ISO 8601 date or date and time."),
        new("invalid_to", 400, "`to` is not an ISO 8601 date or date and time."),
        new("invalid_period", 400, "`to` is not later than `from`."),
        new("invalid_format", 400, "`format` is not json or csv."),
        .. Text("title"),
        .. Text("description"),
        .. Text("message"),
        .. Text("reason"),
        .. Id("freelancerId"),
        .. Id("reference"),
        .. Id("userId"),
        .. Id("contractId"),
        .. Id("id"),
        .. Id("milestoneId"),
        .. Id("changeRequestId"),
        .. Id("payoutId"),

        // 401, 403, 404, 405: who may do what, and what exists.
        new("unauthorized", 401, "No bearer token, or one that is expired, wrongly signed or for another audience."),
        new("invalid_token", 401, "The token's subject is not a valid user id."),
        new("forbidden", 403, "The caller may not use this route."),
        new("role_not_allowed", 403, "The caller's role in the contract (or the platform's) does not allow this."),
        new("not_found", 404, "No such route."),
        new("contract_not_found", 404, "No such contract (or not one of the caller's)."),
        new("milestone_not_found", 404, "No such milestone on the contract."),
        new("change_request_not_found", 404, "No such change request on the contract."),
        new("account_not_found", 404, "No such account."),
        new("payout_not_found", 404, "No such payout on the account."),
        new("webhook_not_found", 404, "No such webhook."),
        new("delivery_not_found", 404, "No such delivery on the webhook."),
        new("method_not_allowed", 405, "The route does not take this method."),
        new("request_timeout", 408, "The request's body did not arrive in time."),

        // 409: the current state does not allow it; nothing changed.
        new("contract_already_exists", 409, "A contract with this id exists."),
        new("contract_state_conflict", 409, "The contract's status does not allow this command."),
        new("contract_halted", 409, "The contract is stopped: an account refused one of its money movements."),
        new("terms_version_mismatch", 409, "The terms accepted are not the current version."),
        new("terms_already_accepted", 409, "The caller has accepted this terms version already."),
        new("milestone_locked", 409, "The milestone is funded, submitted or closed and cannot change."),
        new("milestone_not_fundable", 409, "The milestone's status does not allow funding."),
        new("milestone_state_conflict", 409, "The milestone's status does not allow this command."),
        new("milestone_out_of_order", 409, "An earlier milestone must be released first."),
        new("last_milestone", 409, "A contract keeps at least one open milestone."),
        new("change_request_not_open", 409, "The change request was decided already."),
        new("change_request_stale", 409, "The change request touches milestones that are no longer pending."),
        new("insufficient_funds", 409, "The available balance is less than needed."),
        new("refund_exceeds_released", 409, "More than was released in the last 180 days and not refunded yet."),
        new("payout_not_pending", 409, "Only a pending payout can be completed or failed."),
        new("hold_not_found", 409, "No hold for the milestone (the contract that sent it halts)."),
        new("transfer_id_conflict", 409, "A transfer with this id was applied with other details (the contract that sent it halts)."),
        new("deposit_reference_conflict", 409, "The deposit reference was used with another amount, currency or account."),
        new("webhook_already_exists", 409, "A webhook with this id exists."),
        new("too_many_webhooks", 409, "The platform has as many webhooks as it may."),
        new("delivery_not_dead", 409, "Only a dead delivery can be retried."),
        new("sandbox_only", 409, "The silos do not run in Development: the product's clock moves with real time only."),

        // 412, 413, 415, 422, 429, 431, 503.
        new("version_mismatch", 412, "`If-Match` names an earlier version of the contract."),
        new("payload_too_large", 413, "The body is larger than 64 KiB."),
        new("unsupported_media_type", 415, "The body is not application/json."),
        new("idempotency_key_reused", 422, "The `Idempotency-Key` was used with a different request."),
        new("rate_limited", 429, "Too many requests; `Retry-After` says when to come back."),
        new("request_headers_too_large", 431, "The request's headers are too large."),
        new("transfer_in_progress", 503, "A money movement on the contract is being completed; retry (with the same key)."),
        new("service_unavailable", 503, "A part of the system did not answer; nothing was applied unless a retry with the same key says so."),
        new("internal_error", 500, "A bug: the request failed in a way the API does not expect (the logs have it)."),
    ];

    private static readonly HashSet<string> Codes = [.. All.Select(p => p.Code)];

    public static bool Lists(string code) => Codes.Contains(code);

    /// <summary>The codes of a text field (<see cref="Validate.Text"/>).</summary>
    private static ProblemCode[] Text(string field) =>
    [
        new(Validate.RequiredCode(field), 400, $"`{field}` is missing or blank."),
        new(Validate.TooLongCode(field), 400, $"`{field}` is longer than allowed."),
        new(Validate.InvalidCharactersCode(field), 400, $"`{field}` has control, bidirectional-override or zero-width characters."),
    ];

    /// <summary>The codes of an id field (<see cref="Validate.Id"/>; <see cref="Validate.InvalidIdCode"/> is shared).</summary>
    private static ProblemCode[] Id(string field) =>
    [
        new(Validate.RequiredCode(field), 400, $"`{field}` is missing or blank."),
        new(Validate.TooLongCode(field), 400, $"`{field}` is longer than {Validate.MaxIdLength} characters."),
    ];
}
