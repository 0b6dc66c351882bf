using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Milestones.Contracts;
using Milestones.Domain;
using Milestones.Silo;
using Milestones.Silo.Storage;
using Npgsql;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// Cluster membership through the PostgreSQL membership table, with real processes and sockets: silo B is the
/// product's silo process, silo A is hosted here with the same <see cref="SiloHostingExtensions.AddMilestonesSilo"/>,
/// and a separate client finds both through the table. B is then killed with SIGKILL (no shutdown code runs, so
/// it cannot mark itself dead): A must declare it dead in the table, and B's grains must come back on A with
/// their state: a contract with a release, a bonus and a held milestone, and a payout asked for on B and completed
/// through A.
/// </summary>
[Collection(SerialStorageCollection.Name)]
public sealed class PostgresClusteringTests(ITestOutputHelper output)
{
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Caller Platform = new("marketplace", IsPlatform: true);

    private readonly string serviceId = "ms-membership-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string clusterId = "ms-membership-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task TwoSilosAndAClient_FormOneCluster_AndAKilledSilosGrainsComeBackOnTheOther()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.MigrateAsync();
        var ports = FreePorts.Take(4);
        var (siloB, gatewayB, siloA, gatewayA) = (ports[0], ports[1], ports[2], ports[3]);

        using var processB = SiloProcess.Start(new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Milestones"] = store.ConnectionString,
            ["Orleans__ServiceId"] = serviceId,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__SiloPort"] = siloB.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayB.ToString(CultureInfo.InvariantCulture),
        });
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        await WaitForStatusAsync(store, siloB, Active, processB);
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: silo B (process) is active.");

        // The client starts while B is the only silo, so everything below is activated on B.
        using var client = await StartClientAsync(store.ConnectionString);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: client connected.");
        var (contract, clientUser, freelancer) = await CreateFundedContractAsync(grains);
        var before = await SnapshotAsync(grains, contract, clientUser, freelancer);

        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: contract created and funded on B.");
        using var hostA = await StartSiloAsync(store.ConnectionString, siloA, gatewayA);
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: silo A (in this process) is active.");
        Assert.Equal(Members((siloA, Active), (siloB, Active)), await MembersAsync(store));
        var management = grains.GetGrain<IManagementGrain>(0);
        Assert.Equal(new[] { siloA, siloB }.Order(), (await management.GetHosts(onlyActive: true)).Keys.Select(s => s.Endpoint.Port).Order());
        Assert.Equal(siloB, (await management.GetActivationAddress(contract))?.Endpoint.Port);

        processB.Kill();
        var detection = System.Diagnostics.Stopwatch.StartNew();
        await WaitForStatusAsync(store, siloB, Dead, process: null);
        output.WriteLine($"Killed silo declared dead in the membership table after {detection.Elapsed.TotalSeconds:F1} s.");

        var after = await RetryAsync(() => SnapshotAsync(grains, contract, clientUser, freelancer));
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: contract and accounts read back through A.");
        Assert.Equal(before, after);
        Assert.Equal(siloA, (await management.GetActivationAddress(contract))?.Endpoint.Port);
        Assert.Equal(Members((siloA, Active), (siloB, Dead)), await MembersAsync(store));

        // The payout asked for on B is completed through A, once; every cent is accounted for.
        var payout = Assert.Single((await grains.Account(clientUser.UserId).GetPayoutsAsync(clientUser, null, 0, 10)).Value!.Items);
        Assert.Equal(PayoutStatus.Completed, (await grains.Account(clientUser.UserId).ClosePayoutAsync(Platform, payout.Id, PayoutStatus.Completed, "tr-1")).Value!.Status);
        var ledger = (await grains.Ledger().VerifyAsync(Platform)).Value!;
        Assert.True(ledger.Ok);
        Assert.Equal(500, Assert.Single(ledger.Currencies).PaidOut);

        await hostA.StopAsync(CancellationToken.None);
        await client.StopAsync(CancellationToken.None);
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:F1} s: silo A and the client stopped.");
    }

    private async Task<IHost> StartSiloAsync(string connectionString, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Milestones"] = connectionString,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddMilestonesSilo();

        // A fast failure detector: a silo that misses two 1-second probes is suspected, and one vote declares it dead.
        builder.Services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        await host.StartAsync(timeout.Token);
        return host;
    }

    private async Task<IHost> StartClientAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, clusterId));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        await host.StartAsync(timeout.Token);
        return host;
    }

    private static async Task<(IContractGrain Contract, Caller Client, Caller Freelancer)> CreateFundedContractAsync(IGrainFactory grains)
    {
        var client = new Caller("client-" + Guid.NewGuid().ToString("N")[..8]);
        var freelancer = new Caller("freelancer-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Null((await grains.Account(client.UserId).DepositAsync(Platform, new Deposit(1_030 + 2_060 + 1_030 + 500, "USD", "dep-" + Guid.NewGuid().ToString("N")))).Error);
        var contract = grains.Contract(GrainKeys.NewContractId());
        var due = new DateOnly(2030, 6, 1);
        Assert.Null((await contract.CreateAsync(client, new CreateContract("Build a shop", freelancer.UserId, "USD",
            [new NewMilestone("Part 1", due, 1_000), new NewMilestone("Part 2", due, 2_000)]), CommandOptions.None)).Error);
        Assert.Null((await contract.AcceptTermsAsync(client, 1, CommandOptions.None)).Error);
        Assert.Null((await contract.AcceptTermsAsync(freelancer, 1, CommandOptions.None)).Error);
        Assert.Null((await contract.FundMilestoneAsync(client, "m1", CommandOptions.None)).Error);
        Assert.Null((await contract.SubmitWorkAsync(freelancer, new SubmitWork("m1", "Done"), CommandOptions.None)).Error);
        Assert.Null((await contract.ApproveMilestoneAsync(client, new ApproveWork("m1"), CommandOptions.None)).Error);
        Assert.Null((await contract.FundMilestoneAsync(client, "m2", CommandOptions.None)).Error);
        Assert.Null((await contract.PayBonusAsync(client, new PayMoney(1_000, "Thanks"), CommandOptions.None)).Error);
        Assert.Null((await grains.Account(client.UserId).RequestPayoutAsync(client, new PayoutRequest(500, "USD"), "payout-1")).Error);
        return (contract, client, freelancer);
    }

    private static async Task<string> SnapshotAsync(IGrainFactory grains, IContractGrain contract, Caller client, Caller freelancer)
    {
        var view = await contract.GetAsync(client);
        var clientAccount = await grains.Account(client.UserId).GetAsync(client);
        var freelancerAccount = await grains.Account(freelancer.UserId).GetAsync(freelancer);
        var payouts = await grains.Account(client.UserId).GetPayoutsAsync(client, null, 0, 10);
        Assert.Equal(ContractStatus.Active, view.Value!.Status);
        Assert.Equal((0, 1_800, 2_060, 500), (freelancerAccount.Value!.Balances[0].Available, freelancerAccount.Value.Balances[0].Pending,
            clientAccount.Value!.Balances[0].Held, clientAccount.Value.Balances[0].PayingOut));
        return JsonSerializer.Serialize(new { view.Value, Client = clientAccount.Value, Freelancer = freelancerAccount.Value, Payouts = payouts.Value });
    }

    /// <summary>Calls right after a silo died may still be routed to it; retries them for a bounded time.</summary>
    private async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Bound;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && ex is not Xunit.Sdk.XunitException)
            {
                output.WriteLine($"attempt {attempt}: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    private async Task<List<(int Port, int Status)>> MembersAsync(TestStore store)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT port, status FROM orleansmembershiptable WHERE deploymentid = @cluster ORDER BY port", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<(int, int)>();
        while (await reader.ReadAsync())
        {
            members.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return members;
    }

    /// <summary>Waits (bounded) until the membership table shows the silo on <paramref name="port"/> with <paramref name="status"/>.</summary>
    private async Task WaitForStatusAsync(TestStore store, int port, int status, SiloProcess? process)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var members = await MembersAsync(store);
            if (members.Any(m => m.Port == port && m.Status == status))
            {
                return;
            }

            if (process is { HasExited: true })
            {
                Assert.Fail($"The silo process exited before its silo became {status}:\n{process.Describe()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Silo on port {port} did not reach status {status} within {Bound}; members: " +
                    $"{string.Join(", ", members)}\n{process?.Describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static List<(int Port, int Status)> Members(params (int Port, int Status)[] members) => [.. members.OrderBy(m => m.Port)];
}
