using System.Reflection;
using Milestones.Api.Http;
using Milestones.Domain;
using Milestones.Tests.Storage;

namespace Milestones.Tests.Api;

/// <summary>The catalogue of problem codes: complete for the domain's rejections, and the README's table is made from it.</summary>
public sealed class ProblemCatalogueTests
{
    [Fact]
    public void EveryCodeIsListedOnce_WithAProblemStatus_AndAMeaning()
    {
        Assert.Equal(ProblemCatalogue.All.Count, ProblemCatalogue.All.Select(p => p.Code).Distinct().Count());
        Assert.All(ProblemCatalogue.All, p =>
        {
            Assert.Matches("^[a-z][A-Za-z]*(_[a-z]+)*$", p.Code);
            Assert.InRange(p.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(p.Meaning));
        });
    }

    /// <summary>Each rejection the domain can make (every <see cref="Errors"/> method, for every value of an enum it takes) is listed with its status.</summary>
    [Fact]
    public void EveryRejectionOfTheDomain_IsListed_WithTheStatusItIsAnsweredWith()
    {
        var methods = typeof(Errors).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(Error) && m.Name != nameof(Errors.Invalid));
        foreach (var method in methods)
        {
            foreach (var arguments in Arguments(method.GetParameters()))
            {
                var error = (Error)method.Invoke(null, arguments)!;
                var listed = ProblemCatalogue.All.SingleOrDefault(p => p.Code == error.Code);
                Assert.True(listed is not null, $"Errors.{method.Name} answers {error.Code}, which the catalogue does not list");
                Assert.Equal(Problems.StatusOf(error.Kind), listed.Status);
            }
        }
    }

    [Fact]
    public async Task TheReadmesTable_IsTheCatalogue()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("\n## Problem codes\n", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("\n## ", 1, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        var rows = section.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var expected = ProblemCatalogue.All.Select(p => $"| `{p.Code}` | {p.Status} | {p.Meaning} |").ToList();

        Assert.True(expected.SequenceEqual(rows), "README.md's \"Problem codes\" table should be:\n" + string.Join('\n', expected));
    }

    /// <summary>Every combination of the enum parameters' values, other parameters given a sample value.</summary>
    private static IEnumerable<object?[]> Arguments(ParameterInfo[] parameters)
    {
        IEnumerable<object?[]> combinations = [[]];
        foreach (var parameter in parameters)
        {
            object?[] values = parameter.ParameterType.IsEnum ? [.. Enum.GetValues(parameter.ParameterType).Cast<object>()]
                : parameter.ParameterType == typeof(string) ? ["x"]
                : [Activator.CreateInstance(parameter.ParameterType)];
            combinations = combinations.SelectMany(c => values.Select(v => (object?[])[.. c, v]));
        }

        return combinations;
    }
}
