using Milestones.Contracts;

namespace Milestones.Domain;

// Change requests: after start, the freelancer proposes; the client accepts (atomically) or declines.
public sealed partial class Contract
{
    public Error? ProposeChange(Caller caller, ProposeChange command, DateTimeOffset now)
    {
        var error = Authorize(caller, "propose changes; the client edits milestones directly", PartyRole.Freelancer)
            ?? RequireStatus(ContractCommand.ProposeChange)
            // A proposal must apply to today's milestones; it is checked again when the client accepts it.
            ?? Validate.All(
                Validate.Text(command.Message, "message", Validate.MaxMessageLength),
                command.Operations.Count == 0 || command.Operations.Count > Validate.MaxOperations
                    ? Errors.Invalid("invalid_operations", "operations", $"Between 1 and {Validate.MaxOperations} operations.")
                    : TryOperations(command.Operations, now));
        if (error is not null)
        {
            return error;
        }

        var request = new ChangeRequestState
        {
            Id = $"cr{state.ChangeRequests.Count + 1}",
            Status = ChangeRequestStatus.Open,
            Message = command.Message,
            Operations = [.. command.Operations],
            CreatedAt = now,
        };
        state.ChangeRequests.Add(request);
        Record(now, caller.Actor, "change_request.opened", command.Message, ("changeRequestId", request.Id));
        return null;
    }

    public string LastChangeRequestId => state.ChangeRequests[^1].Id;

    public Error? AcceptChange(Caller caller, string changeRequestId, string? message, DateTimeOffset now)
    {
        var error = DecideChange(caller, changeRequestId, message, PartyRole.Client, "accept change requests", out var request);
        if (error is not null)
        {
            return error;
        }

        error = ApplyOperations(request.Operations, caller.Actor, message, now);
        if (error is not null)
        {
            return error.Kind is ErrorKind.Conflict or ErrorKind.NotFound ? Errors.ChangeRequestStale(request.Id) : error;
        }

        Settle(request, ChangeRequestStatus.Accepted, caller, message, now);
        return null;
    }

    public Error? DeclineChange(Caller caller, string changeRequestId, string? message, DateTimeOffset now) =>
        DecideChange(caller, changeRequestId, message, PartyRole.Client, "decline change requests", out var request)
        ?? Settle(request, ChangeRequestStatus.Declined, caller, message, now);

    public Error? WithdrawChange(Caller caller, string changeRequestId, string? message, DateTimeOffset now) =>
        DecideChange(caller, changeRequestId, message, PartyRole.Freelancer, "withdraw change requests", out var request)
        ?? Settle(request, ChangeRequestStatus.Withdrawn, caller, message, now);

    private Error? DecideChange(Caller caller, string id, string? message, PartyRole role, string action, out ChangeRequestState request)
    {
        request = state.ChangeRequests.Find(r => r.Id == id)!;
        var command = role == PartyRole.Client ? ContractCommand.DecideChange : ContractCommand.WithdrawChange;
        return Authorize(caller, action, role)
            ?? RequireStatus(command)
            ?? Validate.Text(message, "message", Validate.MaxMessageLength, required: false)
            ?? (request is null ? Errors.ChangeRequestNotFound(id)
                : request.Status != ChangeRequestStatus.Open ? Errors.ChangeRequestNotOpen(id)
                : null);
    }

    private Error? Settle(ChangeRequestState request, ChangeRequestStatus status, Caller caller, string? message, DateTimeOffset now)
    {
        request.Status = status;
        request.DecidedAt = now;
        request.DecisionMessage = message;
        Record(now, caller.Actor, $"change_request.{status.ToString().ToLowerInvariant()}", message, ("changeRequestId", request.Id));
        return null;
    }
}
