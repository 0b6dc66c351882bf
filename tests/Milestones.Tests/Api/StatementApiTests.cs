using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CsvHelper;

namespace Milestones.Tests.Api;

/// <summary>Statements for reconciliation: a period's ledger lines by reporting category, with balances that add up, as JSON or CSV.</summary>
public sealed class StatementApiTests(ApiFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task APeriodsStatement_OverCsv_Reconciles_ForAnAccountAndTheFeeAccount_AndConsecutivePeriodsTileTheLedger()
    {
        await DepositAsync(ClientId, 10_500);
        var start = await InstantAsync();
        var id = await SubmittedAsync(10_000);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/approve", null), HttpStatusCode.OK);
        await Json(await Client.PostAsJsonAsync($"/v1/contracts/{id}/bonuses", new { amount = 100 }), HttpStatusCode.Created);
        var end = await InstantAsync();
        await DepositAsync(ClientId, 700);

        var client = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?from={Query(start)}&to={Query(end)}&format=csv");

        Assert.Equal(["hold", "release", "bonus"], client.Lines.Select(l => l.Category));
        Assert.All(client.Lines, l => Assert.Equal(id, l.ContractId));
        Assert.Equal((10_500L, 10_500L - 10_300L - 103L), (client.Opening["USD"], client.Closing["USD"]));
        Reconciles(client);

        var freelancer = await CsvAsync(Freelancer, $"/v1/accounts/{FreelancerId}/statement?from={Query(start)}&to={Query(end)}&format=csv");
        Assert.Equal([("earning", 9_000L), ("bonus", 90L)], freelancer.Lines.Select(l => (l.Category, l.Change)));
        Reconciles(freelancer);

        // Release: service fee 10 % of 10,000 and client fee 3 %; the bonus's: 10 and 3 (each pair credited at once, in either order).
        var fees = await CsvAsync(Platform, $"/v1/platform/fees/USD/statement?from={Query(start)}&to={Query(end)}&format=csv");
        Assert.Equal([3L, 10L, 300L, 1_000L], fees.Lines.Select(l => l.Change).Order());
        Assert.All(fees.Lines, l => Assert.Equal(("fee", id), (l.Category, l.ContractId)));
        Reconciles(fees);

        var before = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?to={Query(start)}&format=csv");
        var after = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?from={Query(end)}&format=csv");
        var whole = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?format=csv");
        Assert.Equal(whole.Lines.Select(l => l.Seq), before.Lines.Concat(client.Lines).Concat(after.Lines).Select(l => l.Seq));
        Assert.Equal((before.Closing["USD"], client.Closing["USD"]), (client.Opening["USD"], after.Opening["USD"]));
        Assert.Equal((0L, 10_500L - 10_300L - 103L + 700L), (whole.Opening["USD"], whole.Closing["USD"]));
        Reconciles(before);
        Reconciles(after);
    }

    [Fact]
    public async Task TheJsonStatement_SaysWhatTheCsvSays_AndOneContractsLinesComeWithoutBalances()
    {
        await DepositAsync(ClientId, 5_000);
        var first = await FundedAsync(1_000);
        var second = await FundedAsync(2_000);

        var json = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/statement"), HttpStatusCode.OK);
        var csv = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?format=csv");

        var lines = json["lines"]!.AsArray();
        Assert.Equal(csv.Lines.Select(l => (l.Seq, l.Category, l.Change)), lines.Select(l => (l!["seq"]!.GetValue<long>(), l["category"]!.GetValue<string>(), l["change"]!.GetValue<long>())));
        var usd = json["currencies"]!.AsArray().Single()!;
        Assert.Equal((0L, 5_000L), (usd["opening"]!["total"]!.GetValue<long>(), usd["closing"]!["total"]!.GetValue<long>()));
        Assert.Equal((5_000L, 0L), (usd["byCategory"]!["deposit"]!.GetValue<long>(), usd["byCategory"]!["hold"]!.GetValue<long>()));
        Assert.Equal(5_000L - 1_030L - 2_060L, usd["closing"]!["available"]!.GetValue<long>());

        var one = await Json(await Client.GetAsync($"/v1/accounts/{ClientId}/statement?contractId={second}"), HttpStatusCode.OK);
        Assert.Equal([second], one["lines"]!.AsArray().Select(l => l!["contractId"]!.GetValue<string>()));
        Assert.Null(one["currencies"]);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task AStatementLongerThanAPage_HasEveryLineOnce_InLedgerOrder()
    {
        for (var i = 0; i < 520; i++)
        {
            await DepositAsync(ClientId, 1 + i);
        }

        var statement = await CsvAsync(Client, $"/v1/accounts/{ClientId}/statement?format=csv");

        Assert.Equal(Enumerable.Range(1, 520).Select(i => (long)i), statement.Lines.Select(l => l.Seq));
        Assert.Equal(520L * 521 / 2, statement.Closing["USD"]);
        Reconciles(statement);
    }

    [Fact]
    public async Task AStatementWhoseLedgerFailsAfterItBegan_IsCut_NotAnsweredAsIfWhole()
    {
        const string account = GrainFaults.Prefix + "second-page";
        for (var i = 0; i < 501; i++)
        {
            await DepositAsync(account, 1);
        }

        using var response = await Platform.GetAsync($"/v1/accounts/{account}/statement?format=csv", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TextThatASpreadsheetWouldRunAsAFormula_IsEscapedInTheCsv()
    {
        var freelancerId = "=HYPERLINK(x)" + Guid.NewGuid().ToString("N")[..8];
        using var freelancer = Factory.ClientFor(freelancerId);
        await DepositAsync(ClientId, 1_030);
        var id = (await Json(await Client.PostAsJsonAsync("/v1/contracts", new
        {
            freelancerId, title = "Logo", currency = "USD", milestones = new[] { new { description = "Logo", dueDate = Due, amount = 1_000 } },
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        foreach (var party in new[] { Client, freelancer })
        {
            await Json(await party.PostAsJsonAsync($"/v1/contracts/{id}/accept", new { termsVersion = 1 }), HttpStatusCode.OK);
        }

        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/fund", null), HttpStatusCode.OK);
        await Json(await freelancer.PostAsJsonAsync($"/v1/contracts/{id}/milestones/m1/submit", new { message = "Done" }), HttpStatusCode.OK);
        await Json(await Client.PostAsync($"/v1/contracts/{id}/milestones/m1/approve", null), HttpStatusCode.OK);

        var text = await (await Client.GetAsync($"/v1/accounts/{ClientId}/statement?format=csv")).Content.ReadAsStringAsync();

        Assert.Contains($"'{freelancerId}", text, StringComparison.Ordinal);
        Assert.DoesNotContain($",{freelancerId}", text, StringComparison.Ordinal);
        Assert.DoesNotContain($",\"{freelancerId}", text, StringComparison.Ordinal);
    }

    private static void Reconciles(Statement statement)
    {
        foreach (var (currency, opening) in statement.Opening)
        {
            Assert.Equal(statement.Closing[currency], opening + statement.Lines.Where(l => l.Currency == currency).Sum(l => l.Change));
        }

        Assert.Equal(statement.Opening.Keys.Order(), statement.Closing.Keys.Order());
    }

    /// <summary>A moment between two ledger lines: the clock moves past the last one before and past this before the next.</summary>
    private static async Task<DateTimeOffset> InstantAsync()
    {
        await Task.Delay(15);
        var instant = DateTimeOffset.UtcNow;
        await Task.Delay(15);
        return instant;
    }

    private static string Query(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("O", CultureInfo.InvariantCulture));

    private static async Task<Statement> CsvAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.Create(new StringReader(await response.Content.ReadAsStringAsync()));
        var statement = new Statement([], [], []);
        foreach (var _ in reader)
        {
            var category = reader.GetString("category");
            var balance = long.Parse(reader.GetString("balance_after"), CultureInfo.InvariantCulture);
            var currency = reader.GetString("currency");
            switch (category)
            {
                case "opening_balance":
                    statement.Opening.Add(currency, balance);
                    break;
                case "closing_balance":
                    statement.Closing.Add(currency, balance);
                    break;
                default:
                    statement.Lines.Add(new StatementRow(long.Parse(reader.GetString("seq"), CultureInfo.InvariantCulture), category, currency,
                        long.Parse(reader.GetString("change"), CultureInfo.InvariantCulture), reader.GetString("contract_id")));
                    break;
            }
        }

        return statement;
    }

    private sealed record Statement(List<StatementRow> Lines, Dictionary<string, long> Opening, Dictionary<string, long> Closing);

    private sealed record StatementRow(long Seq, string Category, string Currency, long Change, string ContractId);
}
