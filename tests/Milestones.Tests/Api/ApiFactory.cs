using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Milestones.Api.Auth;
using Orleans;

namespace Milestones.Tests.Api;

/// <summary>The API in its embedded mode (co-hosted silo) on memory storage, in Development, on free ports.</summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    /// <summary>Settings a derived factory changes (environment, limits, key), applied after the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>();

    protected virtual string Environment => "Development";

    /// <summary>Problem codes answered that the catalogue does not list (each API test takes them when it ends: none).</summary>
    public UnlistedProblemCodes UnlistedCodes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Storage:Provider", "Memory");
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimit:PermitsPerSecond", "100000");
        builder.UseSetting("RateLimit:PermitsPerSecondPerAddress", "1000000");
        builder.ConfigureServices(services => services.AddSingleton<IOutgoingGrainCallFilter, GrainFaults>());
        builder.ConfigureLogging(logging => logging.AddProvider(UnlistedCodes));
        foreach (var (key, value) in Overrides)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client whose requests carry a bearer token for <paramref name="userId"/> (none when null).</summary>
    public HttpClient ClientFor(string? userId, bool platform = false)
    {
        var client = CreateClient();
        if (userId is not null)
        {
            var token = Services.GetRequiredService<TokenIssuer>().Issue(userId, platform);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
