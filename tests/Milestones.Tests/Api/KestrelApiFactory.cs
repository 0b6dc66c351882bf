using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Milestones.Tests.Api;

/// <summary>The API of <see cref="ApiFactory"/> on Kestrel on a loopback port: for tools that only speak real HTTP (the linter, the generated client).</summary>
public sealed class KestrelApiFactory : ApiFactory, IAsyncLifetime
{
    public Uri Address { get; private set; } = null!;

    public Task InitializeAsync()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class KestrelApiCollection : ICollectionFixture<KestrelApiFactory>
{
    public const string Name = "api-kestrel";
}
