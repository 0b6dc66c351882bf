using Milestones.Baseline.Hosting;

// Content root = the build output, so appsettings.json is found wherever the command runs from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBaseline();
await using var app = builder.Build();
await app.UseBaselineAsync();
await app.RunAsync();
