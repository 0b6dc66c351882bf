using Milestones.Domain;
using Milestones.Wakeups;

namespace Milestones.Tests.Grains;

internal sealed class GrainProbeFilter(GrainProbe probe) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var carrying = context.InterfaceMethod.Name == "ApplyCarryingAsync";
        var order = (context.InterfaceMethod.Name == "ApplyAsync" && context.Request.GetArgumentCount() == 3) || carrying
            ? context.Request.GetArgument(0) as TransferOrder
            : null;
        if (order is not null && probe.TryTrip(order, afterApplying: false))
        {
            throw new InjectedFaultException($"Injected fault before {order.TransferId}");
        }

        if (order is not null && probe.TryRefuse(order))
        {
            var refused = new TransferResult(null, false, Errors.HoldNotFound(order.TransferId));
            context.Result = carrying ? (refused, (long?)null) : refused;
            return;
        }

        var wake = context.InterfaceMethod.Name == nameof(IWakeable.WakeAsync);
        if (wake && probe.TryTripWake(context.TargetId.Key.ToString()!))
        {
            throw new InjectedFaultException($"Injected failure of the wake-up of {context.TargetId}");
        }

        await context.Invoke();

        if (order is not null && probe.TryTrip(order, afterApplying: true))
        {
            throw new InjectedFaultException($"Injected fault after {order.TransferId} was applied");
        }

        if (wake)
        {
            probe.OnWoken(context.TargetId.Key.ToString()!);
        }
    }
}
