using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Tests.Grains;

internal sealed class GrainProbeFilter(GrainProbe probe) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var orders = Orders(context);
        if (orders.FirstOrDefault(order => probe.TryTrip(order, afterApplying: false)) is { } failing)
        {
            throw new InjectedFaultException($"Injected fault before {failing.TransferId}");
        }

        if (orders.FirstOrDefault(probe.TryRefuse) is { } refused)
        {
            // Nothing of the call is applied: each of its orders answers as refused.
            List<TransferResult> results = [.. orders.Select(_ => new TransferResult(null, false, Errors.HoldNotFound(refused.TransferId)))];
            context.Result = context.InterfaceMethod.Name switch
            {
                "ApplyAllAsync" => results,
                _ => results[0],
            };
            return;
        }

        var wake = context.InterfaceMethod.Name == nameof(IWakeable.WakeAsync);
        if (wake && probe.TryTripWake(context.TargetId.Key.ToString()!))
        {
            throw new InjectedFaultException($"Injected failure of the wake-up of {context.TargetId}");
        }

        await context.Invoke();

        if (orders.FirstOrDefault(order => probe.TryTrip(order, afterApplying: true)) is { } lost)
        {
            throw new InjectedFaultException($"Injected fault after {lost.TransferId} was applied");
        }

        if (wake)
        {
            probe.OnWoken(context.TargetId.Key.ToString()!);
        }
    }

    /// <summary>The transfer orders a call to an account applies: one, or several together.</summary>
    private static List<TransferOrder> Orders(IIncomingGrainCallContext context) => context.InterfaceMethod.Name switch
    {
        "ApplyAsync" when context.Request.GetArgumentCount() == 3 => [(TransferOrder)context.Request.GetArgument(0)!],
        "ApplyAllAsync" => [.. (IReadOnlyList<TransferOrder>)context.Request.GetArgument(0)!],
        _ => [],
    };
}
