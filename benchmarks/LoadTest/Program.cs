using System.Runtime.InteropServices;
using Milestones.LoadTest;
using Milestones.LoadTest.Metrics;
using Milestones.LoadTest.Options;
using Milestones.LoadTest.Running;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage.Text);
    return 0;
}

if (args.Contains("--self-test"))
{
    return HistogramSelfTest.Run(Console.Out);
}

LoadTestOptions options;
try
{
    options = OptionsParser.Parse(args);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 2;
}

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
