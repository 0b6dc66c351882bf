using System.CommandLine;
using System.Runtime.InteropServices;
using Milestones.LoadTest;
using Milestones.LoadTest.Options;
using Milestones.LoadTest.Report;
using Milestones.LoadTest.Running;

var root = LoadTestCommand.Create(RunAsync);
root.Add(ReportCommand.Create());
// The run handles SIGINT/SIGTERM itself (stop gracefully, report what was measured), not System.CommandLine.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

static async Task<int> RunAsync(LoadTestOptions options, CancellationToken _)
{
    // Ctrl+C or SIGTERM (once) and the hard cap stop the run gracefully, reporting what was measured; a second signal ends the process.
    using var stop = new CancellationTokenSource(options.MaxRunTime);
    void Stop(PosixSignalContext signal)
    {
        if (!stop.IsCancellationRequested)
        {
            signal.Cancel = true;
            Console.Error.WriteLine($"{signal.Signal}: stopping... (again to abort)");
            stop.Cancel();
        }
    }

    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    try
    {
        return await LoadTestRun.RunAsync(options, Console.Error, Console.Out, stop.Token);
    }
    catch (RunFailedException e)
    {
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 1;
    }
}
