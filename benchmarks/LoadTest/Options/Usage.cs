namespace Milestones.LoadTest.Options;

/// <summary>The <c>--help</c> text.</summary>
internal static class Usage
{
    public const string Text = """
        Milestones.LoadTest: an HTTP load generator for the Milestones API (and anything serving the same routes).
        Loopback targets only. Prepares its own users, deposits and contracts (not measured), then for each
        concurrency level runs a warm-up and a measured run bounded by --count AND --duration, whichever ends first.

        usage: dotnet run -c Release --project benchmarks/LoadTest -- [options]
               dotnet run -c Release --project benchmarks/LoadTest -- --self-test

          --target URL              base address, loopback only              (http://127.0.0.1:5080)
          --scenario fund|lifecycle fund: one fund of a ready milestone per op;
                                    lifecycle: create, accept x2, fund, submit, approve  (fund)
          --concurrency 1,8,32,64   workers in flight, one level after another           (1,8,32,64)
          --duration 20s            time bound of each measured run                      (20s)
          --count N                 operation bound of each measured run; fund prepares
                                    this many contracts per level                        (20000)
          --clients N               client users the contracts are spread over; 1 = hot client  (64)
          --warmup 3s               warm-up before each level (0 to skip)                (3s)
          --warmup-count N          operations the warm-up may use    (20 per worker, >= 100, <= count)
          --out PREFIX              write PREFIX.json and PREFIX.md
          --label NAME              the system's name in the results                     (target host:port)
          --signing-key KEY         mint HS256 tokens (or env LOADTEST_SIGNING_KEY); otherwise
                                    tokens come from POST /v1/dev/tokens (Development only)
          --issuer, --audience      claims of minted tokens                    (milestones, milestones-api)
          --amount N                minor units per milestone                            (100)
          --currency CODE                                                                (USD)
          --no-idempotency-keys     measured POSTs without Idempotency-Key (preparation always sends one)
          --prepare-concurrency N   requests in flight while preparing                   (32)
          --request-timeout 30s     per HTTP request                                     (30s)
          --max-run-time 30m        hard cap on the whole run                            (30m)
          --self-test               check the latency histogram against sorted data; exit 0 or 1
        """;
}
