using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Milestones.LoadTest.Options;

/// <summary>The load test's command line (System.CommandLine): every option, its default, and what it accepts.</summary>
internal static class LoadTestCommand
{
    public const string SigningKeyVariable = "LOADTEST_SIGNING_KEY";

    private static readonly LoadTestOptions Defaults = new() { Target = new Uri("http://127.0.0.1:5080") };

    public static RootCommand Create(Func<LoadTestOptions, CancellationToken, Task<int>> run)
    {
        var target = new Option<Uri>("--target")
        {
            Description = "the server's base address, loopback only",
            DefaultValueFactory = _ => Defaults.Target,
            CustomParser = r => Parsed(r, LoopbackTarget.Parse),
        };
        var scenario = new Option<ScenarioKind>("--scenario")
        {
            Description = "fund: one fund of a ready milestone per op; lifecycle: create, accept x2, fund, submit, approve",
            DefaultValueFactory = _ => Defaults.Scenario,
        };
        var concurrency = new Option<IReadOnlyList<int>>("--concurrency")
        {
            Description = "workers in flight, one level after another (such as 1,16,64)",
            DefaultValueFactory = _ => Defaults.ConcurrencyLevels,
            CustomParser = r => Parsed(r, ParseLevels),
        };
        var duration = Duration("--duration", "time bound of each measured run", Defaults.Duration, positive: true);
        var count = Int("--count", "operation bound of each measured run; fund prepares this many contracts per level", Defaults.Count, 1, 10_000_000);
        var clients = Int("--clients", "client users the contracts are spread over; 1 = hot client", Defaults.Clients, 1, 100_000);
        var warmup = Duration("--warmup", "warm-up before each level (0 to skip)", Defaults.Warmup, positive: false);
        var warmupCount = new Option<int?>("--warmup-count")
        {
            Description = "operations the warm-up may use (default: 20 per worker, >= 100, <= count)",
            CustomParser = r => Parsed(r, v => (int?)WholeNumber(v, "--warmup-count", 0, 10_000_000)),
        };
        var output = new Option<string?>("--out") { Description = "write PREFIX.json, PREFIX.md and PREFIX.png (operations per second of each level)", HelpName = "PREFIX" };
        var label = new Option<string?>("--label") { Description = "the system's name in the results (default: the target's host:port)" };
        var signingKey = new Option<string?>("--signing-key")
        {
            Description = $"mint HS256 tokens with this key (or env {SigningKeyVariable}); otherwise tokens come from POST /v1/dev/tokens (Development only)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(SigningKeyVariable) is { Length: > 0 } key ? key : null,
        };
        signingKey.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { Length: < 32 })
            {
                r.AddError("--signing-key: the key must be at least 32 characters (the API refuses shorter keys).");
            }
        });
        var issuer = new Option<string>("--issuer") { Description = "issuer of minted tokens", DefaultValueFactory = _ => Defaults.Issuer };
        var audience = new Option<string>("--audience") { Description = "audience of minted tokens", DefaultValueFactory = _ => Defaults.Audience };
        var amount = Int("--amount", "minor units per milestone", (int)Defaults.Amount, 1, 1_000_000);
        var currency = new Option<string>("--currency") { Description = "the contracts' currency", DefaultValueFactory = _ => Defaults.Currency };
        var webhook = new Option<bool>("--webhook")
        {
            Description = "subscribe one webhook endpoint to every event, served by a receiver in this process (the target must allow local " +
                "webhook targets, as Development does); report the deliveries' lag (receipt - the event's time)",
        };
        var noKeys = new Option<bool>("--no-idempotency-keys") { Description = "measured POSTs without Idempotency-Key (preparation always sends one)" };
        var prepareConcurrency = Int("--prepare-concurrency", "requests in flight while preparing", Defaults.PrepareConcurrency, 1, 1024);
        var requestTimeout = Duration("--request-timeout", "per HTTP request", Defaults.RequestTimeout, positive: true);
        var maxRunTime = Duration("--max-run-time", "hard cap on the whole run, preparation included", Defaults.MaxRunTime, positive: true);
        var prepareOnly = new Option<string?>("--prepare-only")
        {
            Description = "fund only: prepare --count contracts and their deposits, write them to FILE and stop (for a cold run on a fresh process)",
            HelpName = "FILE",
        };
        var prepared = new Option<string?>("--prepared")
        {
            Description = "fund only: fund the contracts in FILE (from --prepare-only) instead of preparing any; levels draw from them in turn",
            HelpName = "FILE",
        };

        var root = new RootCommand(
            "Milestones.LoadTest: an HTTP load generator for the Milestones API (and anything serving the same routes). " +
            "Loopback targets only. Prepares its own users, deposits and contracts (not measured), then for each concurrency " +
            "level runs a warm-up and a measured run bounded by --count AND --duration, whichever ends first.")
        {
            target, scenario, concurrency, duration, count, clients, warmup, warmupCount, output, label, signingKey, issuer, audience,
            amount, currency, noKeys, prepareConcurrency, requestTimeout, maxRunTime, prepareOnly, prepared, webhook,
        };
        root.Validators.Add(r =>
        {
            if ((r.GetValue(prepareOnly) is not null || r.GetValue(prepared) is not null) && r.GetValue(scenario) != ScenarioKind.Fund)
            {
                r.AddError("--prepare-only and --prepared are for --scenario fund.");
            }

            if (r.GetValue(prepareOnly) is not null && r.GetValue(prepared) is not null)
            {
                r.AddError("--prepare-only and --prepared exclude each other.");
            }
        });
        root.SetAction((p, cancellation) => run(
            new LoadTestOptions
            {
                Target = p.GetRequiredValue(target),
                Scenario = p.GetValue(scenario),
                ConcurrencyLevels = p.GetRequiredValue(concurrency),
                Duration = p.GetValue(duration),
                Count = p.GetValue(count),
                Clients = p.GetValue(clients),
                Warmup = p.GetValue(warmup),
                WarmupCount = p.GetValue(warmupCount),
                OutPrefix = p.GetValue(output),
                Label = p.GetValue(label),
                SigningKey = p.GetValue(signingKey),
                Issuer = p.GetRequiredValue(issuer),
                Audience = p.GetRequiredValue(audience),
                Amount = p.GetValue(amount),
                Currency = p.GetRequiredValue(currency),
                IdempotencyKeys = !p.GetValue(noKeys),
                PrepareConcurrency = p.GetValue(prepareConcurrency),
                RequestTimeout = p.GetValue(requestTimeout),
                MaxRunTime = p.GetValue(maxRunTime),
                PrepareOnly = p.GetValue(prepareOnly),
                Prepared = p.GetValue(prepared),
                Webhook = p.GetValue(webhook),
            },
            cancellation));
        return root;
    }

    private static Option<int> Int(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => Parsed(r, v => WholeNumber(v, name, min, max)),
    };

    private static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue, bool positive) => new(name)
    {
        Description = $"{description}: 500ms, 20s, 2m, 1h; a bare number is seconds",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => Parsed(r, value =>
        {
            var parsed = Durations.Parse(value, name);
            return !positive || parsed > TimeSpan.Zero ? parsed : throw new UsageException($"{name} must be more than zero.");
        }),
    };

    private static int WholeNumber(string value, string option, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{option}: '{value}' is not a whole number from {min} to {max}.");

    private static T Parsed<T>(ArgumentResult result, Func<string, T> parse)
    {
        try
        {
            return parse(result.Tokens.Single().Value);
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return default!;
        }
    }

    private static int[] ParseLevels(string value)
    {
        var levels = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => WholeNumber(v, "--concurrency", 1, 4096))
            .ToArray();
        return levels.Length is > 0 and <= 32 ? levels : throw new UsageException("--concurrency: give 1 to 32 levels, such as 1,16,64.");
    }
}
