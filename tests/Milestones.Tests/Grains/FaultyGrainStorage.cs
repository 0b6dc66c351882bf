using Milestones.Contracts;
using Orleans.Storage;

namespace Milestones.Tests.Grains;

/// <summary>
/// Memory grain storage whose writes and reads (of a state, or of the keys or an answer remembered beside it) fail when
/// <see cref="GrainProbe.FailNextWrite"/> or <see cref="GrainProbe.FailNextRead"/> says so.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, GrainProbe probe) : IGrainStorage, IRememberedAnswers
{
    public const string Inner = "memory";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        probe.TryTripRead(grainId)
            ? Task.FromException(new InjectedFaultException($"Injected failure of the read of '{stateName}' of {grainId}."))
            : inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        probe.TryTripWrite(grainId, stateName)
            ? Task.FromException(new InjectedFaultException($"Injected failure of the write of '{stateName}' of {grainId}."))
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task<ContractResult?> ReadAsync(GrainId grain, string stream, string key, CancellationToken cancellationToken) =>
        probe.TryTripRead(grain)
            ? Task.FromException<ContractResult?>(new InjectedFaultException($"Injected failure of the read of the answer '{key}' of {grain}."))
            : ((IRememberedAnswers)inner).ReadAsync(grain, stream, key, cancellationToken);

    public Task<IReadOnlyList<IdempotencyRecord>> ReadKeysAsync(GrainId grain, string? stream, CancellationToken cancellationToken) =>
        probe.TryTripRead(grain)
            ? Task.FromException<IReadOnlyList<IdempotencyRecord>>(new InjectedFaultException($"Injected failure of the read of the keys of {grain}."))
            : ((IRememberedAnswers)inner).ReadKeysAsync(grain, stream, cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
