using Milestones.Baseline.Domain;
using Npgsql;

namespace Milestones.Baseline.Data;

/// <summary>Reads contract and milestone rows in the column order of <see cref="Sql"/>.</summary>
internal static class Rows
{
    public static ContractRow Contract(NpgsqlDataReader r, string id) => new()
    {
        Id = id,
        Title = r.GetString(0),
        ClientId = r.GetString(1),
        FreelancerId = r.GetString(2),
        Currency = r.GetString(3),
        Status = r.GetString(4),
        TermsVersion = r.GetInt32(5),
        ClientAccepted = r.GetBoolean(6),
        FreelancerAccepted = r.GetBoolean(7),
        Funded = r.GetInt64(8),
        Released = r.GetInt64(9),
        Refunded = r.GetInt64(10),
        Version = r.GetInt64(11),
        CreatedAt = r.GetFieldValue<DateTime>(12),
        UpdatedAt = r.GetFieldValue<DateTime>(13),
    };

    public static MilestoneRow Milestone(NpgsqlDataReader r, int o) => new()
    {
        Id = r.GetString(o),
        Seq = r.GetInt32(o + 1),
        Description = r.GetString(o + 2),
        DueDate = r.GetFieldValue<DateOnly>(o + 3),
        Amount = r.GetInt64(o + 4),
        Status = r.GetString(o + 5),
        FundedAt = NullableTime(r, o + 6),
        SubmittedAt = NullableTime(r, o + 7),
        AutoReleaseAt = NullableTime(r, o + 8),
        ReleasedAt = NullableTime(r, o + 9),
        RefundedAt = NullableTime(r, o + 10),
        SubmissionMessage = r.IsDBNull(o + 11) ? null : r.GetString(o + 11),
        SubmissionLinks = r.IsDBNull(o + 12) ? null : r.GetFieldValue<string[]>(o + 12),
    };

    /// <summary>
    /// Reads the result sets of [BEGIN; LockContract; SelectMilestones; …]: the locked contract, or null when there is
    /// no such contract. Leaves the reader on the milestones' result set.
    /// </summary>
    public static async Task<ContractRow?> LockedContractAsync(NpgsqlDataReader r, string id)
    {
        ContractRow? contract = null;
        if (await r.ReadAsync())
        {
            contract = Contract(r, id);
        }

        await r.NextResultAsync();
        while (await r.ReadAsync())
        {
            contract?.Milestones.Add(Milestone(r, 0));
        }

        return contract;
    }

    private static DateTime? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTime>(i);
}
