using Microsoft.Extensions.DependencyInjection;

namespace Milestones.Tests.Grains;

/// <summary>The silo's reminder table, whose registrations fail when <see cref="GrainProbe.FailNextReminderRegistration"/> says so.</summary>
public sealed class FaultyReminderTable(IReminderTable inner, GrainProbe probe) : IReminderTable
{
    /// <summary>Wraps the reminder table a silo has registered (call after the reminder service is configured).</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IReminderTable));
        services.Remove(registered);
        services.AddSingleton<IReminderTable>(sp => new FaultyReminderTable(
            (IReminderTable)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            sp.GetRequiredService<GrainProbe>()));
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => inner.RemoveRow(grainId, reminderName, eTag);

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

    public Task<string?> UpsertRow(ReminderEntry entry) =>
        probe.TryTripReminder(entry.GrainId)
            ? Task.FromException<string?>(new InjectedFaultException($"Injected failure of the reminder registration of {entry.GrainId}."))
            : inner.UpsertRow(entry);
}
