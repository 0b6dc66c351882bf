using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;

namespace Milestones.Silo;

/// <summary>
/// The embedded store's data directory belongs to one process at a time: an exclusive OS lock on
/// <c>milestones.lock</c>, taken before anything else starts and held until the host stops (the OS releases it if
/// the process dies). The holder's process id is written beside it (<c>milestones.pid</c>: the lock file itself
/// cannot be read while it is held), so a second process exits at once naming the holder and the directory.
/// </summary>
public sealed class DataDirectoryLock : IHostedService, IDisposable
{
    public const string LockFileName = "milestones.lock";
    public const string PidFileName = "milestones.pid";

    private FileStream? held;

    private DataDirectoryLock(FileStream held) => this.held = held;

    /// <summary>The directory of a SQLite file data source, or null for an in-memory database.</summary>
    public static string? DirectoryOf(string sqliteConnectionString)
    {
        var builder = new SqliteConnectionStringBuilder(sqliteConnectionString);
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? null
            : Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
    }

    /// <summary>Takes the lock, or throws a <see cref="StartupException"/> that names the process holding it.</summary>
    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        var lockPath = Path.Combine(directory, LockFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new StartupException(
                $"the data directory '{directory}' is in use by process {Holder(directory)} (it holds {LockFileName}); stop it or set Storage:DataDirectory to another directory.");
        }

        File.WriteAllText(Path.Combine(directory, PidFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new DataDirectoryLock(stream);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        held?.Dispose();
        held = null;
    }

    private static string Holder(string directory)
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(directory, PidFileName)).Trim();
            return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? pid : "(unknown)";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "(unknown)";
        }
    }
}
