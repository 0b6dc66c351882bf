using Milestones.Api.Hosting;

return await ApiHost.InvokeAsync(args);

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
