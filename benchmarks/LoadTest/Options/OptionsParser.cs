using System.Globalization;

namespace Milestones.LoadTest.Options;

/// <summary>Reads <c>--name value</c> (or <c>--name=value</c>) arguments into <see cref="LoadTestOptions"/>.</summary>
internal static class OptionsParser
{
    public const string SigningKeyVariable = "LOADTEST_SIGNING_KEY";

    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var values = ReadPairs(args);
        string? Take(string name) =>
            values.Remove(name, out var v) ? v ?? throw new UsageException($"--{name} needs a value. See --help.") : null;
        var idempotency = !values.Remove("no-idempotency-keys", out var flagValue);
        if (flagValue is not null)
        {
            throw new UsageException("--no-idempotency-keys takes no value.");
        }

        var options = new LoadTestOptions { Target = LoopbackTarget.Parse(Take("target") ?? "http://127.0.0.1:5080") };
        options = options with
        {
            Scenario = Take("scenario") is { } s ? ParseScenario(s) : options.Scenario,
            ConcurrencyLevels = Take("concurrency") is { } c ? ParseLevels(c) : options.ConcurrencyLevels,
            Duration = Take("duration") is { } d ? Positive(Durations.Parse(d, "--duration"), "--duration") : options.Duration,
            Count = Take("count") is { } n ? Int(n, "--count", 1, 10_000_000) : options.Count,
            Clients = Take("clients") is { } k ? Int(k, "--clients", 1, 100_000) : options.Clients,
            Warmup = Take("warmup") is { } w ? Durations.Parse(w, "--warmup") : options.Warmup,
            WarmupCount = Take("warmup-count") is { } wc ? Int(wc, "--warmup-count", 0, 10_000_000) : null,
            OutPrefix = Take("out"),
            Label = Take("label"),
            SigningKey = Take("signing-key") ?? NullIfEmpty(Environment.GetEnvironmentVariable(SigningKeyVariable)),
            Issuer = Take("issuer") ?? options.Issuer,
            Audience = Take("audience") ?? options.Audience,
            Amount = Take("amount") is { } a ? Int(a, "--amount", 1, 1_000_000) : options.Amount,
            Currency = Take("currency") ?? options.Currency,
            IdempotencyKeys = idempotency,
            PrepareConcurrency = Take("prepare-concurrency") is { } p ? Int(p, "--prepare-concurrency", 1, 1024) : options.PrepareConcurrency,
            RequestTimeout = Take("request-timeout") is { } t ? Positive(Durations.Parse(t, "--request-timeout"), "--request-timeout") : options.RequestTimeout,
            MaxRunTime = Take("max-run-time") is { } m ? Positive(Durations.Parse(m, "--max-run-time"), "--max-run-time") : options.MaxRunTime,
        };

        if (values.Count > 0)
        {
            throw new UsageException($"unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}. See --help.");
        }

        if (options.SigningKey is { Length: < 32 })
        {
            throw new UsageException("--signing-key: the key must be at least 32 characters (the API refuses shorter keys).");
        }

        return options;
    }

    private static Dictionary<string, string?> ReadPairs(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'. Options look like --name value. See --help.");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq > 0 ? (arg[2..eq], arg[(eq + 1)..])
                : i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? (arg[2..], args[++i])
                : (arg[2..], null);
            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice.");
            }
        }

        return values;
    }

    private static ScenarioKind ParseScenario(string value) => value.ToUpperInvariant() switch
    {
        "FUND" => ScenarioKind.Fund,
        "LIFECYCLE" => ScenarioKind.Lifecycle,
        _ => throw new UsageException($"--scenario: '{value}' is not one of fund, lifecycle."),
    };

    private static int[] ParseLevels(string value)
    {
        var levels = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => Int(v, "--concurrency", 1, 4096)).ToArray();
        return levels.Length is > 0 and <= 32 ? levels : throw new UsageException("--concurrency: give 1 to 32 levels, such as 1,8,32,64.");
    }

    private static int Int(string value, string option, int min, int max) =>
        int.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{option}: '{value}' is not a whole number from {min} to {max}.");

    private static TimeSpan Positive(TimeSpan value, string option) =>
        value > TimeSpan.Zero ? value : throw new UsageException($"{option} must be more than zero.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
