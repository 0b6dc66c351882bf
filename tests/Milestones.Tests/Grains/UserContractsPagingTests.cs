using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones.Tests.Grains;

/// <summary>
/// "My Jobs" pages by the sort key of the last contract shown: statuses changing between pages never repeat,
/// skip or restart the list, a status filter is a set, and a cursor the list did not hand out is refused.
/// </summary>
public sealed class UserContractsPagingTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string user = "paging-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DateTimeOffset start = fixture.Clock.GetUtcNow();
    private ListedContracts? listed;

    private ListedContracts Lines => listed ??= new(Storage, Grains, user);

    private IUserContractsGrain Jobs => Grains.UserContracts();


    [Fact]
    public async Task Paging_WhileStatusesChangeBetweenPages_ShowsEveryContractThatStayedInTheFilterExactlyOnce_AndEnds()
    {
        // 30 active contracts; some share a creation time, so the id breaks ties.
        var summaries = Enumerable.Range(0, 30).Select(i => Summary(GrainKeys.NewContractId(), i / 2, ContractStatus.Active)).ToList();
        await Task.WhenAll(summaries.Select(Lines.PutAsync));
        var left = new HashSet<string>();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = Ok(await Jobs.ListAsync(user, null, [ContractStatus.Active], 4, cursor));
            seen.AddRange(page.Items.Select(s => s.ContractId));
            cursor = page.NextCursor;
            Assert.True(++pages <= 30, "the cursor never reached the end");
            if (page.Items.Count == 0)
            {
                continue;
            }

            // Between pages: the contract the cursor names leaves the filter, and so does one not yet shown.
            var last = summaries.First(s => s.ContractId == page.Items[^1].ContractId);
            var unseen = summaries.FirstOrDefault(s => !seen.Contains(s.ContractId) && !left.Contains(s.ContractId));
            foreach (var leaving in new[] { last, unseen }.OfType<ContractSummary>())
            {
                await Lines.PutAsync(leaving with { Status = ContractStatus.Completed, Version = 2 });
                left.Add(leaving.ContractId);
            }
        }
        while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        var stayed = summaries.Where(s => !left.Contains(s.ContractId)).Select(s => s.ContractId);
        Assert.Empty(stayed.Except(seen));
        Assert.Equal(
            summaries.Where(s => seen.Contains(s.ContractId))
                .OrderByDescending(s => s.CreatedAt).ThenBy(s => s.ContractId, StringComparer.Ordinal).Select(s => s.ContractId),
            seen);
    }

    [Fact]
    public async Task AContractAddedAfterTheCursor_AppearsOnce_AndOneAddedBeforeItIsNotARepeat()
    {
        var summaries = Enumerable.Range(0, 6).Select(i => Summary(GrainKeys.NewContractId(), i * 10, ContractStatus.Active)).ToList();
        await Task.WhenAll(summaries.Select(Lines.PutAsync));

        var first = Ok(await Jobs.ListAsync(user, null, null, 3, null));
        var newer = Summary(GrainKeys.NewContractId(), 100, ContractStatus.Draft);
        var older = Summary(GrainKeys.NewContractId(), -5, ContractStatus.Draft);
        await Lines.PutAsync(newer);
        await Lines.PutAsync(older);
        var second = Ok(await Jobs.ListAsync(user, null, null, 10, first.NextCursor));

        Assert.Equal([summaries[5], summaries[4], summaries[3]], first.Items);
        Assert.Equal([summaries[2], summaries[1], summaries[0], older], second.Items);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task AStatusSet_ListsTheContractsInAnyOfItsStatuses_AndNoOther()
    {
        var active = Summary(GrainKeys.NewContractId(), 0, ContractStatus.Active);
        var completed = Summary(GrainKeys.NewContractId(), 1, ContractStatus.Completed);
        var ended = Summary(GrainKeys.NewContractId(), 2, ContractStatus.Ended);
        var draft = Summary(GrainKeys.NewContractId(), 3, ContractStatus.Draft);
        await Task.WhenAll(new[] { active, completed, ended, draft }.Select(Lines.PutAsync));

        Assert.Equal([completed, active], Ok(await Jobs.ListAsync(user, null, [ContractStatus.Active, ContractStatus.Completed], 10, null)).Items);
        Assert.Equal([ended], Ok(await Jobs.ListAsync(user, null, [ContractStatus.Ended], 10, null)).Items);
        Assert.Equal([draft, ended, completed, active], Ok(await Jobs.ListAsync(user, null, [], 10, null)).Items);
    }

    [Fact]
    public async Task ACursorTheListDidNotHandOut_IsRefused_NeverReadAsTheFirstPage()
    {
        var summaries = Enumerable.Range(0, 3).Select(i => Summary(GrainKeys.NewContractId(), i, ContractStatus.Active)).ToList();
        await Task.WhenAll(summaries.Select(Lines.PutAsync));
        var cursor = Ok(await Jobs.ListAsync(user, null, null, 1, null)).NextCursor!;
        var tampered = (cursor[3] == 'A' ? "B" : "A") is var c ? cursor[..3] + c + cursor[4..] : cursor;

        // Every other last character: some differ from the cursor only in bits base64 leaves unused.
        var lastCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".Where(c => c != cursor[^1]).Select(c => cursor[..^1] + c);
        foreach (var bad in new[] { tampered, cursor[..^2], cursor + "A", "not a cursor", summaries[2].ContractId, "" }.Concat(lastCharacters))
        {
            Rejected(await Jobs.ListAsync(user, null, null, 10, bad), "invalid_cursor");
        }

        Assert.Equal([summaries[1], summaries[0]], Ok(await Jobs.ListAsync(user, null, null, 10, cursor)).Items);
    }

    private ContractSummary Summary(string id, int minutes, ContractStatus status) =>
        new(id, PartyRole.Client, $"Contract {minutes}", status, start.AddMinutes(minutes), 1);
}
