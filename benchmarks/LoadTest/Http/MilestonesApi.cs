namespace Milestones.LoadTest.Http;

/// <summary>The routes the load test drives (see the API design), one method each.</summary>
internal sealed class MilestonesApi(ApiClient client, string currency, long amount, TimeProvider clock)
{
    private readonly DateOnly _dueDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(365);

    public Task<CallResult> IssueDevTokenAsync(string userId, bool platform, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, "/v1/dev/tokens", null, RequestBodies.DevToken(userId, platform), null, readBody: true, cancellation);

    public Task<CallResult> DepositAsync(Party platform, string userId, long total, string reference, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, $"/v1/accounts/{Uri.EscapeDataString(userId)}/deposits", platform.Authorization,
            RequestBodies.Deposit(total, currency, reference), null, readBody: false, cancellation);

    /// <summary>Creates a contract offer with <paramref name="milestones"/> milestones of the configured amount; the body holds its <c>id</c>.</summary>
    public Task<CallResult> CreateContractAsync(
        Party payer, string freelancerId, string title, int milestones, string? idempotencyKey, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, "/v1/contracts", payer.Authorization,
            RequestBodies.CreateContract(freelancerId, title, currency, milestones, amount, _dueDate), idempotencyKey, readBody: true, cancellation);

    public Task<CallResult> AcceptAsync(Party party, string contractId, string? idempotencyKey, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, $"/v1/contracts/{contractId}/accept", party.Authorization,
            RequestBodies.AcceptVersion1, idempotencyKey, readBody: false, cancellation);

    public Task<CallResult> FundAsync(Party payer, string contractId, string milestoneId, string? idempotencyKey, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, $"/v1/contracts/{contractId}/milestones/{milestoneId}/fund", payer.Authorization,
            null, idempotencyKey, readBody: false, cancellation);

    public Task<CallResult> SubmitAsync(Party freelancer, string contractId, string milestoneId, string? idempotencyKey, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, $"/v1/contracts/{contractId}/milestones/{milestoneId}/submit", freelancer.Authorization,
            RequestBodies.Submit, idempotencyKey, readBody: false, cancellation);

    public Task<CallResult> ApproveAsync(Party payer, string contractId, string milestoneId, string? idempotencyKey, CancellationToken cancellation) =>
        client.SendAsync(HttpMethod.Post, $"/v1/contracts/{contractId}/milestones/{milestoneId}/approve", payer.Authorization,
            null, idempotencyKey, readBody: false, cancellation);
}
