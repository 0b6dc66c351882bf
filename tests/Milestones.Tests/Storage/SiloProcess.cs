using System.Diagnostics;
using System.Text;

namespace Milestones.Tests.Storage;

/// <summary>The real silo host (<c>dotnet Milestones.Silo.dll</c>) as a child process, with its output captured.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process process;
    private readonly string workingDirectory;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> awaited = [];

    private SiloProcess(Process process, string workingDirectory)
    {
        this.process = process;
        this.workingDirectory = workingDirectory;
    }

    public bool HasExited => process.HasExited;

    public int Id => process.Id;

    public string StandardOutput
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Starts the silo with exactly these configuration variables (inherited <c>Storage__*</c> etc. are removed).</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(TestPaths.SiloDll, environment, arguments);

    /// <summary>The API host (<c>dotnet Milestones.Api.dll</c>) the same way, in its embedded default mode.</summary>
    public static SiloProcess StartApi(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(TestPaths.ApiDll, environment, arguments);

    private static SiloProcess Start(string dll, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The host is not built: {dll} is missing.");
        }

        var workingDirectory = Directory.CreateTempSubdirectory("milestones-silo-");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Orleans__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Milestones__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(process, workingDirectory.FullName);
        process.OutputDataReceived += (_, e) =>
        {
            Append(silo.stdout, e.Data);
            silo.Notify();
        };
        process.ErrorDataReceived += (_, e) => Append(silo.stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits for the process to exit on its own; fails the test (and kills it) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The silo process did not exit within {timeout}.\n{Describe()}");
        }

        return process.ExitCode;
    }

    /// <summary>SIGTERM: the host shuts down gracefully (a rolling restart); waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        await WaitForExitAsync(timeout);
    }

    /// <summary>Completes when the standard output contains <paramref name="text"/>; fails the test after <paramref name="timeout"/> or if the process exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (awaited)
        {
            awaited.Add((text, seen));
        }

        Notify();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(seen.Task, exited, Task.Delay(timeout)) != seen.Task)
        {
            throw new TimeoutException($"The silo process did not print '{text}' within {timeout}.\n{Describe()}");
        }
    }

    private void Notify()
    {
        var output = StandardOutput;
        lock (awaited)
        {
            foreach (var (text, seen) in awaited.Where(a => output.Contains(a.Text, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult();
                awaited.Remove((text, seen));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public string Describe() => $"exit: {(process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "running")}\n" +
        $"stdout:\n{Tail(StandardOutput)}\nstderr:\n{Tail(StandardError)}";

    public void Dispose()
    {
        Kill();
        process.Dispose();
        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
