namespace Milestones.Contracts;

/// <summary>
/// The store did not answer an operation (a connection refused or lost, a database restarting or failing over, a
/// timeout): the grain storage throws this instead of the driver's exception, which no client could read (Orleans has
/// no codec for it, so an API in another process would see a serialisation failure). It keeps the driver's type and
/// message, but not the driver's exception itself, which would not cross the wire either. A stale version is not
/// this: it stays an <see cref="Orleans.Storage.InconsistentStateException"/>. The API answers it with 503.
/// </summary>
[GenerateSerializer, Alias("ms.StoreUnavailableException")]
public sealed class StoreUnavailableException(string message) : Exception(message)
{
    /// <summary>The exception for a driver's <paramref name="failure"/>, naming its type and message.</summary>
    public static StoreUnavailableException From(Exception failure) =>
        new($"The store is unavailable ({failure.GetType().FullName}: {failure.Message})");
}
