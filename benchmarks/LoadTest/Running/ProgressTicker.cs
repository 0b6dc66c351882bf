namespace Milestones.LoadTest.Running;

/// <summary>Writes a progress line (to stderr) every <c>period</c> (default one second) until disposed.</summary>
internal sealed class ProgressTicker : IDisposable
{
    private readonly Timer _timer;

    public ProgressTicker(TextWriter output, Func<string> line, TimeSpan? period = null)
    {
        var every = period ?? TimeSpan.FromSeconds(1);
        _timer = new Timer(_ => output.WriteLine(line()), null, every, every);
    }

    public void Dispose()
    {
        using var stopped = new ManualResetEvent(false);
        if (_timer.Dispose(stopped))
        {
            stopped.WaitOne(TimeSpan.FromSeconds(2));
        }
    }
}
