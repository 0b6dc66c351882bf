using System.CommandLine;

namespace Milestones.LoadTest.Report;

/// <summary><c>report</c>: turns the files of one <c>benchmarks/run.sh</c> run into the table, the ratios, the Markdown and the chart.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Option<DirectoryInfo>("--results")
        {
            Description = "the run's directory: <system>-<scenario>-cold|warm.json, <system>-ramp.json, <system>-fund-webhook.json, pgbench.tsv, activation.json, memory.txt",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "write PREFIX.md and PREFIX.png", HelpName = "PREFIX", Required = true };
        var machine = new Option<string>("--machine") { Description = "the machine, as written in the report", DefaultValueFactory = _ => "" };
        var note = new Option<string>("--note") { Description = "what kind of run this is, as written at the top of the report", DefaultValueFactory = _ => "" };
        var command = new Option<string>("--command") { Description = "the command that made the run, as written in the report", DefaultValueFactory = _ => "" };
        var report = new Command("report", "Write the benchmark report (Markdown, a ScottPlot chart) from one run's results; print the table and the ratios.")
        {
            results, output, machine, command, note,
        };
        report.SetAction(p =>
        {
            var run = BenchmarkRun.Load(p.GetRequiredValue(results).FullName);
            var prefix = Path.GetFullPath(p.GetRequiredValue(output));
            Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
            var figures = new Figures(run);
            Chart.Save(run, prefix + ".png");
            var markdown = ReportMarkdown.Render(run, figures, Path.GetFileName(prefix), p.GetRequiredValue(machine), p.GetRequiredValue(command), p.GetRequiredValue(note));
            File.WriteAllText(prefix + ".md", markdown);
            Console.Out.Write(ReportMarkdown.Tables(run, figures));
            Console.Out.WriteLine();
            foreach (var ratio in figures.Ratios)
            {
                Console.Out.WriteLine(ratio.Text);
            }

            Console.Out.WriteLine($"results: {prefix}.md and {prefix}.png");
            foreach (var line in figures.LastLines)
            {
                Console.Out.WriteLine(line);
            }

            return 0;
        });
        return report;
    }
}
