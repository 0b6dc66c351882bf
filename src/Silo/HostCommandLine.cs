using System.CommandLine;

namespace Milestones.Silo;

/// <summary>
/// The command line both hosts share: <c>--help</c> (commands and the main settings, nothing started), subcommands,
/// and, without one, the host itself with every argument passed on as configuration (<c>--Key=value</c>).
/// </summary>
public static class HostCommandLine
{
    /// <summary>Settings every host that runs or joins a silo reads.</summary>
    public const string ClusterSettings = """
        Settings (configuration keys; as environment variables ':' is '__', e.g. Storage__Provider; a variable
        NAME_FILE=path, e.g. Storage__Password_FILE, sets what NAME would to the file's content):
          Storage:Provider              Sqlite (default, embedded), Postgres, or Memory (tests)
          ConnectionStrings:Milestones  the store's connection string (default: SQLite file in Storage:DataDirectory)
          Storage:Password              PostgreSQL: a password kept apart, added to the connection string
          Storage:DataDirectory         where the embedded store keeps its files (default .data)
          Storage:MigrateOnStart        apply the schema when a silo starts (default true)
          Storage:CompressStates        write states, answers and (PostgreSQL) events compressed (default true)
          Orleans:ServiceId, Orleans:ClusterId        cluster identity (default milestones)
          Orleans:SiloPort, Orleans:GatewayPort       silo endpoints (default 11111, 30000)
          Orleans:AdvertisedIP          the address other silos reach this one at (Postgres only)
          Milestones:ReviewPeriod       time after a submission until auto-release (default 14.00:00:00)
          Milestones:SecurityPeriod, Milestones:PayoutTimeout   pending credits, payouts' wait (5.00:00:00, 7.00:00:00)
          Fees:FreelancerServiceFeeBps, Fees:ClientFeeBps       the fee schedule in basis points (1000, 300)
          Webhooks:RetryFor             how long a delivery is retried (default 3.00:00:00)
          Dashboard:Enabled             Orleans dashboard statistics (default true)
          OTEL_EXPORTER_OTLP_ENDPOINT   send traces, metrics and logs by OTLP (off when unset)
          Logging:Console:FormatterName json for structured logs (default simple)
          Logging:LogLevel:Default      Debug also prints the details of a start-up failure
        """;

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; <paramref name="host"/> runs when none is given.</summary>
    public static Task<int> InvokeAsync(string[] args, string description, Func<Task<int>> host, params Command[] commands)
    {
        var root = new RootCommand(description) { TreatUnmatchedTokensAsErrors = false };
        foreach (var command in commands)
        {
            root.Add(command);
        }

        root.SetAction((_, _) => host());
        // The host handles SIGTERM itself (a graceful shutdown may take longer than the parser's default grace period)
        // and its own exceptions.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }
}
