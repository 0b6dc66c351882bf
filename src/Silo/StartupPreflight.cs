using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Configuration;

namespace Milestones.Silo;

/// <summary>
/// Checks before a silo starts, so a taken port or an unreachable PostgreSQL is one start-up line naming the setting
/// (<see cref="StartupFailures"/>) rather than the errors of every Orleans component that meets it first.
/// </summary>
public static class StartupPreflight
{
    /// <summary>The silo and gateway ports are free (a listener elsewhere on the port counts; a closing connection does not).</summary>
    public static void CheckPorts(IConfiguration configuration)
    {
        var cluster = configuration.GetSection("Orleans");
        foreach (var (name, port) in new[]
        {
            ("SiloPort", cluster.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT)),
            ("GatewayPort", cluster.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT)),
        })
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                var value = port.ToString(CultureInfo.InvariantCulture);
                throw new StartupException($"Orleans:{name} {value} is already in use; choose a free port (env Orleans__{name}).", ex);
            }
        }
    }

    /// <summary>On PostgreSQL: one connection opens.</summary>
    public static async Task CheckStoreAsync(StorageSettings storage, CancellationToken cancellationToken)
    {
        if (storage.Provider != StorageProvider.Postgres)
        {
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(storage.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or SocketException)
        {
            throw new StartupException($"The Postgres database cannot be reached: {ex.Message}", ex);
        }
    }
}
