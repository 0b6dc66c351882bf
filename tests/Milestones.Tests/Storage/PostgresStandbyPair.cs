using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Milestones.Tests.Storage;

/// <summary>
/// A private PostgreSQL primary and its synchronous streaming standby (<c>pg_basebackup -R</c>), each on a free
/// loopback port, in one temporary folder: a commit is acknowledged only once the standby has it. As root the servers
/// run as the <c>postgres</c> OS user, as <c>scripts/pg.sh</c> does. The login is the <c>postgres</c> role, trusted on
/// loopback (a throw-away instance for one test). Dispose stops both by process id and deletes the folder.
/// </summary>
internal sealed class PostgresStandbyPair : IAsyncDisposable
{
    public const string Database = "milestones";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string bin;
    private readonly DirectoryInfo folder;
    private readonly string? owner;
    private bool primaryKilled;

    private PostgresStandbyPair(string bin, DirectoryInfo folder, string? owner, int primaryPort, int standbyPort)
    {
        this.bin = bin;
        this.folder = folder;
        this.owner = owner;
        PrimaryPort = primaryPort;
        StandbyPort = standbyPort;
    }

    public int PrimaryPort { get; }

    public int StandbyPort { get; }

    private string PrimaryData => Path.Combine(folder.FullName, "primary");

    private string StandbyData => Path.Combine(folder.FullName, "standby");

    /// <summary>Both hosts, the primary first; only a read-write session is acceptable, and a host seen read-only is asked again after a second.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1:{PrimaryPort},127.0.0.1:{StandbyPort};Database={Database};Username=postgres;" +
        "Target Session Attributes=read-write;Host Recheck Seconds=1;Timeout=5";

    public static async Task<PostgresStandbyPair> StartAsync()
    {
        var bin = FindBinaries();
        var owner = Environment.UserName == "root" ? "postgres" : null;
        var folder = Directory.CreateTempSubdirectory("milestones-pg-pair-");
        var ports = FreePorts.Take(2);
        var pair = new PostgresStandbyPair(bin, folder, owner, ports[0], ports[1]);
        try
        {
            await pair.StartPrimaryAsync();
            await pair.StartStandbyAsync();
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL to the primary's postmaster and every process it started, as if its host died.</summary>
    public void KillPrimary()
    {
        var postmaster = PostmasterId(PrimaryData) ?? throw new InvalidOperationException("The primary is not running.");
        primaryKilled = true;
        var children = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0 && ParentOf(id) == postmaster)
            .ToList();
        foreach (var id in children.Prepend(postmaster))
        {
            Kill(id);
        }
    }

    private static void Kill(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary><c>pg_ctl promote</c>: the standby ends recovery and takes writes.</summary>
    public Task PromoteStandbyAsync() => RunAsync("pg_ctl", "-D", StandbyData, "-w", "-t", "60", "promote");

    public async ValueTask DisposeAsync()
    {
        // A killed primary left its postmaster.pid behind, and its process id may belong to another process by now.
        foreach (var data in primaryKilled ? new[] { StandbyData } : new[] { StandbyData, PrimaryData })
        {
            if (PostmasterId(data) is { } id)
            {
                try
                {
                    await RunAsync("pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop");
                }
                catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
                {
                    Kill(id);
                }
            }
        }

        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private async Task StartPrimaryAsync()
    {
        if (owner is not null)
        {
            await RunToolAsync("chown", owner + ":", folder.FullName);
        }

        Directory.CreateDirectory(Path.Combine(folder.FullName, "sock"));
        if (owner is not null)
        {
            await RunToolAsync("chown", owner + ":", Path.Combine(folder.FullName, "sock"));
        }

        // --no-sync: the new files need not be on disk before the server starts (a commit is still flushed, and replicated).
        await RunAsync("initdb", "-D", PrimaryData, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--auth=trust", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(PrimaryData, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {PrimaryPort}
            unix_socket_directories = '{Path.Combine(folder.FullName, "sock")}'
            max_connections = 100
            shared_buffers = 32MB
            synchronous_commit = on
            logging_collector = off

            """);
        await RunAsync("pg_ctl", "-D", PrimaryData, "-l", Path.Combine(folder.FullName, "primary.log"), "-w", "-t", "60", "start");
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={PrimaryPort};Database=postgres;Username=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Database} TEMPLATE template0 ENCODING 'UTF8'", connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A base backup of the primary that streams from it (<c>-R</c>), on its own port; then the primary waits for it at
    /// each commit (only now: until a standby streams, a commit would wait for good; and only the primary: promoted, the
    /// standby has no standby to wait for). Returns once the primary counts it as synchronous.
    /// </summary>
    private async Task StartStandbyAsync()
    {
        await RunAsync("pg_basebackup", "-h", "127.0.0.1", "-p", PrimaryPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", StandbyData, "-R", "-X", "stream", "-c", "fast", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(StandbyData, "postgresql.conf"), $"\nport = {StandbyPort}\n");
        await RunAsync("pg_ctl", "-D", StandbyData, "-l", Path.Combine(folder.FullName, "standby.log"), "-w", "-t", "60", "start");
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={PrimaryPort};Database=postgres;Username=postgres;Pooling=false");
        await connection.OpenAsync();
        await using (var synchronousCommit = new NpgsqlCommand("ALTER SYSTEM SET synchronous_standby_names = '*'", connection))
        {
            await synchronousCommit.ExecuteNonQueryAsync();
        }

        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection))
        {
            await reload.ExecuteNonQueryAsync();
        }

        var deadline = DateTime.UtcNow + CommandTimeout;
        while (true)
        {
            await using var synchronous = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'", connection);
            if ((long)(await synchronous.ExecuteScalarAsync())! == 1)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The standby did not become synchronous within {CommandTimeout}.\n{await LogsAsync()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A PostgreSQL program from the binaries folder, as the servers' owner.</summary>
    private Task RunAsync(string program, params string[] arguments) =>
        owner is null
            ? RunToolAsync(Path.Combine(bin, program), arguments)
            : RunToolAsync("runuser", ["-u", owner, "--", Path.Combine(bin, program), .. arguments]);

    private async Task RunToolAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            // runuser keeps the working folder: the owner must be able to read it.
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}\n{await LogsAsync()}");
        }
    }

    private async Task<string> LogsAsync()
    {
        var logs = new List<string>();
        foreach (var log in new[] { "primary.log", "standby.log" }.Select(name => Path.Combine(folder.FullName, name)).Where(File.Exists))
        {
            var text = await File.ReadAllTextAsync(log);
            logs.Add($"{Path.GetFileName(log)}:\n{(text.Length <= 3000 ? text : text[^3000..])}");
        }

        return string.Join("\n", logs);
    }

    private static int? PostmasterId(string data)
    {
        var file = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(file))
        {
            return null;
        }

        var id = int.Parse(File.ReadLines(file).First(), NumberStyles.None, CultureInfo.InvariantCulture);
        return File.Exists($"/proc/{id}/stat") ? id : null;
    }

    private static int? ParentOf(int id)
    {
        try
        {
            // /proc/<id>/stat: "<id> (<name>) <state> <parent id> …"; the name may hold spaces, so read after its ')'.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string FindBinaries()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("PG_BINDIR"), "/usr/lib/postgresql/15/bin" };
        return candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, "pg_basebackup")) && File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found: set PG_BINDIR.");
    }
}
