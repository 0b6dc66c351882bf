using Milestones.Contracts;
using Milestones.Domain;

namespace Milestones;

/// <summary>
/// The ledger check: reads every registered account, the platform's fee accounts included (in bounded parallel
/// batches), and sums per currency in 128 bits: each balance is a long, their sum over many accounts need not be.
/// Money captured but not yet confirmed as credited is counted once: as in transit when the destination
/// has not applied it yet, otherwise in the destination's balance (and a capture whose every leg has landed is
/// settled on its account, which may have lost its settlement to a crash).
/// </summary>
internal sealed class LedgerGrain : Grain, ILedgerGrain
{
    private const int Parallelism = 256;

    public async Task<Outcome<LedgerReport>> VerifyAsync(Caller caller)
    {
        if (!caller.IsPlatform)
        {
            return Errors.PlatformOnly("verify the ledger");
        }

        var shards = await Task.WhenAll(Enumerable.Range(0, StorageLayout.AccountRegistryShards)
            .Select(i => GrainFactory.GetGrain<IAccountRegistryGrain>(i).ListAsync()));
        var accounts = shards.SelectMany(s => s).ToList();
        var listed = accounts.ToHashSet(StringComparer.Ordinal);

        var sums = new Dictionary<string, Int128[]>(StringComparer.Ordinal);
        Int128[] Sum(string currency) => sums.TryGetValue(currency, out var s) ? s : sums[currency] = new Int128[7];

        foreach (var batch in accounts.Chunk(Parallelism))
        {
            var reports = await Task.WhenAll(batch.Select(a => GrainFactory.AccountByKey(a).ReportAsync()));
            foreach (var (account, report) in batch.Zip(reports))
            {
                foreach (var t in report.Totals)
                {
                    var s = Sum(t.Currency);
                    s[0] += t.Deposited;
                    s[1] += t.PaidOut;
                    s[2] += t.Available;
                    s[3] += t.Held;
                    s[5] += t.Pending;
                    s[6] += t.PayingOut;
                }

                foreach (var capture in report.InTransit.GroupBy(t => t.Source))
                {
                    var credited = true;
                    foreach (var transfer in capture)
                    {
                        // Credited money counts on the destination only if the check visits it: a first credit can
                        // register its account after the registry was listed.
                        if (!listed.Contains(transfer.Destination)
                            || !await GrainFactory.AccountByKey(transfer.Destination).HasAppliedAsync(transfer.TransferId))
                        {
                            Sum(transfer.Currency)[4] += transfer.Amount;
                            credited = false;
                        }
                    }

                    if (credited)
                    {
                        // Every leg landed: a settlement the account lost (it is written lazily) is made again.
                        await GrainFactory.AccountByKey(account).SettleAsync(capture.Key);
                    }
                }
            }
        }

        var currencies = sums.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new LedgerCurrencyReport(s.Key, s.Value[0], s.Value[1], s.Value[2], s.Value[3], s.Value[4], s.Value[5], s.Value[6]))
            .ToList();
        var halted = await GrainFactory.HaltedContracts().ListAsync();
        return Outcome<LedgerReport>.Ok(new LedgerReport(accounts.Count, currencies, halted));
    }
}
