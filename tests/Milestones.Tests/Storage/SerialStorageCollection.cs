namespace Milestones.Tests.Storage;

/// <summary>
/// Tests that measure time — a membership failure detector, a throughput figure — run alone, after the parallel
/// ones, so other tests' load neither fails nor skews them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialStorageCollection
{
    public const string Name = "storage-serial";
}
