namespace Milestones.Api.Hosting;

/// <summary><c>Hosting:Mode</c>: co-host a silo (the embedded default) or join a silo cluster as a client.</summary>
public enum HostingMode
{
    Embedded,
    Client,
}
