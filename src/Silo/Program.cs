using Microsoft.Extensions.Hosting;
using Milestones.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddMilestonesSilo();
await builder.Build().RunAsync();
