namespace Milestones.Wakeups;

/// <summary>A grain whose stored state may come due: woken, it does what its time asks and stores its next wake-up.</summary>
[Alias("ms.IWakeable")]
public interface IWakeable : IAddressable
{
    [Alias("Wake")] Task WakeAsync();
}

/// <summary>The one grain that wakes due grains (<see cref="DueWakeupGrain"/>), keyed 0.</summary>
[Alias("ms.IDueWakeupGrain")]
public interface IDueWakeupGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the wake-ups run: the keep-alive reminder exists and this grain is active.</summary>
    [Alias("Start")] Task StartAsync();

    /// <summary>Wakes every grain due now (at most <see cref="DueWakeupGrain.MaxPerScan"/>); returns how many woke without an error.</summary>
    [Alias("Scan")] Task<int> ScanAsync();
}
