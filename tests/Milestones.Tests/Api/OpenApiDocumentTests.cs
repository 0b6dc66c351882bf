using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Milestones.Api.Http;
using Milestones.Tests.Storage;

namespace Milestones.Tests.Api;

/// <summary>The served OpenAPI document: a real linter's verdict, and what it says checked against what the API does.</summary>
[Collection(KestrelApiCollection.Name)]
public sealed partial class OpenApiDocumentTests(KestrelApiFactory factory)
{
    /// <summary>The one warning left: the project names no licence.</summary>
    private static readonly string[] AllowedWarnings = ["info-license"];

    [Fact]
    public async Task TheServedDocument_PassesRedoclyLint_WithTheRecommendedRules()
    {
        var (exit, output, error) = await RunAsync(Redocly(), "lint", new Uri(factory.Address, "/openapi/v1.json").ToString(), "--format=json");

        Assert.True(output.Contains('{', StringComparison.Ordinal), error);
        var report = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
        var problems = report["problems"]!.AsArray().Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]}").ToList();
        Assert.True(exit == 0, string.Join('\n', problems));
        Assert.Equal(0, report["totals"]!["errors"]!.GetValue<int>());
        Assert.All(report["problems"]!.AsArray(), p => Assert.Contains(p!["ruleId"]!.GetValue<string>(), AllowedWarnings));
    }

    /// <summary>
    /// A second generator's client (openapi-typescript, then the TypeScript compiler in strict mode) can switch
    /// exhaustively on the problem codes: a switch over every code compiles, one that misses a code does not.
    /// </summary>
    [Fact]
    public async Task ATypeScriptClient_SwitchesExhaustivelyOnTheProblemCodes()
    {
        var folder = Directory.CreateTempSubdirectory("milestones-ts-").FullName;
        try
        {
            var document = Path.Combine(folder, "openapi.json");
            await File.WriteAllTextAsync(document, (await DocumentAsync()).ToJsonString());
            var (generated, _, generatorError) = await RunAsync(Tool("openapi-typescript", "openapi-typescript"), document, "-o", Path.Combine(folder, "api.d.ts"));
            Assert.True(generated == 0, generatorError);

            async Task<(int Exit, string Output)> CompileAsync(string name, IEnumerable<ProblemCode> handled)
            {
                var cases = string.Join('\n', handled.Select(p => $"    case \"{p.Code}\": return {p.Status};"));
                await File.WriteAllTextAsync(Path.Combine(folder, name), $$"""
                    import type { components } from "./api";
                    export function statusOf(code: components["schemas"]["ProblemCode"]): number {
                      switch (code) {
                    {{cases}}
                        default: { const unhandled: never = code; return unhandled; }
                      }
                    }
                    """);
                var (exit, output, error) = await RunAsync(Tool("tsc", "typescript"), "--noEmit", "--strict", Path.Combine(folder, name));
                return (exit, output + error);
            }

            var every = await CompileAsync("every.ts", ProblemCatalogue.All);
            Assert.True(every.Exit == 0, every.Output);
            var missing = await CompileAsync("missing.ts", ProblemCatalogue.All.Where(p => p.Code != "insufficient_funds"));
            Assert.NotEqual(0, missing.Exit);
            Assert.Contains("\"insufficient_funds\"", missing.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Tools list operations by their summaries: a few words each, the sentence that says what it does apart.</summary>
    [Fact]
    public async Task EveryOperation_HasAShortSummary_AndADescription()
    {
        Assert.All(Operations(await DocumentAsync()), o =>
        {
            Assert.InRange(o.Operation["summary"]!.GetValue<string>().Length, 5, 40);
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["description"]?.GetValue<string>()), $"{o.Method} {o.Path} has no description");
        });
    }

    [Fact]
    public async Task EveryOperationDocumentedAsProtected_Answers401WithoutAToken_AndTheAnonymousOnesDoNot()
    {
        using var anonymous = new HttpClient { BaseAddress = factory.Address };
        foreach (var (method, path, operation) in Operations(await DocumentAsync()))
        {
            var security = operation["security"]!.AsArray();
            var isProtected = security.Single()!.AsObject().ContainsKey("bearer");
            using var request = new HttpRequestMessage(new HttpMethod(method), PathParameter().Replace(path, "x"));

            var response = await anonymous.SendAsync(request);

            Assert.True(isProtected == (response.StatusCode == HttpStatusCode.Unauthorized), $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task EveryBadInputAnswer_IsDocumentedForItsOperation_AsProblemDetailsWithItsCode()
    {
        var document = await DocumentAsync();
        Assert.Contains("code", document["components"]!["schemas"]!["Problem"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        foreach (var input in BadInputMatrix.Inputs)
        {
            var response = Operation(document, input.Method, input.Path)["responses"]![input.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)];

            Assert.True(response is not null, $"{input.Name}: {input.Status} is not documented");
            Assert.Equal("#/components/schemas/Problem", response["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            Assert.Contains(input.Code, response["x-problem-codes"]!.AsArray().Select(c => c!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task EachRequestBody_RequiresExactlyTheFieldsAnEmptyBodyIsRefusedFor_AndTheyCannotBeNull()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        foreach (var input in BadInputMatrix.Inputs.Where(i => i.Body == "{}" && i.Code == "validation_failed"))
        {
            var reference = Operation(document, input.Method, input.Path)["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            var schema = schemas[reference.Split('/')[^1]]!;
            var required = schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order().ToList();

            Assert.Equal(input.Fields!.Split(',').Order().ToList(), required);
            Assert.All(required, name => Assert.DoesNotContain("null", schema["properties"]![name]!["type"]?.ToJsonString() ?? ""));
        }

        var add = schemas["AddMilestoneRequest"]!;
        Assert.Equal("[\"null\",\"integer\"]", add["properties"]!["position"]!["type"]!.ToJsonString());
        Assert.Equal("[\"null\",\"string\"]", add["properties"]!["message"]!["type"]!.ToJsonString());
    }

    [Fact]
    public async Task CommandsDocumentTheirHeaders_AndClosedSetsAreEnums()
    {
        var document = await DocumentAsync();
        foreach (var (method, path, operation) in Operations(document).Where(o => o.Method != "GET" && o.Path != "/v1/dev/tokens"))
        {
            var headers = operation["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("Idempotency-Key", headers);
            Assert.Equal(path.StartsWith("/v1/contracts/{id}", StringComparison.Ordinal), headers.Contains("If-Match"));
            Assert.NotNull(operation["responses"]!.AsObject().First(r => r.Key.StartsWith('2')).Value!["headers"]!["Idempotent-Replayed"]);
            Assert.NotNull(operation["responses"]!["503"]!["headers"]!["Retry-After"]);
        }

        Assert.NotNull(Operation(document, "GET", "/v1/contracts/{id}")["responses"]!["200"]!["headers"]!["ETag"]);
        var list = Operation(document, "GET", "/v1/contracts")["parameters"]!.AsArray();
        Assert.Equal("[\"client\",\"freelancer\"]", list.Single(p => p!["name"]!.GetValue<string>() == "role")!["schema"]!["enum"]!.ToJsonString());
        Assert.Equal("string", document["components"]!["schemas"]!["ContractStatus"]!["type"]!.GetValue<string>());
        Assert.Contains("minor units", document["components"]!["schemas"]!["MilestoneView"]!["properties"]!["amount"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The client in src/Api/Client was generated from a saved copy of the document (scripts/api-client.sh): it must be the served one.</summary>
    [Fact]
    public async Task TheGeneratedClient_WasGeneratedFromTheServedDocument()
    {
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Api", "Client", "openapi.json")));

        Assert.True(JsonNode.DeepEquals(saved, await DocumentAsync()),
            "The API's OpenAPI document changed: run scripts/api-client.sh to regenerate src/Api/Client.");
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var http = new HttpClient { BaseAddress = factory.Address };
        return JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
    }

    private static IEnumerable<(string Method, string Path, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(o => (o.Key.ToUpperInvariant(), path.Key, o.Value!)));

    /// <summary>The documented operation a concrete request path (<c>/v1/contracts/{id}/milestones/m2</c>) goes to.</summary>
    private static JsonNode Operation(JsonNode document, string method, string path)
    {
        var segments = path.Split('?')[0].Split('/');
        return Operations(document).Single(o => o.Method == method && o.Path.Split('/') is var template && template.Length == segments.Length
            && template.Zip(segments).All(s => s.First == s.Second || s.First.StartsWith('{'))).Operation;
    }

    /// <summary>A tool of npm's as <c>.ci/run</c> installs it (repository-local), or from the PATH.</summary>
    private static string Tool(string name, string package)
    {
        var local = Path.Combine(TestPaths.RepositoryRoot, ".tools", "node_modules", ".bin", name);
        Assert.True(File.Exists(local) || Which(name), $"{name} is missing: npm install --prefix .tools {package} (as .ci/run does).");
        return File.Exists(local) ? local : name;
    }

    private static string Redocly() => Tool("redocly", "@redocly/cli");

    private static bool Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"\{[^}]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex PathParameter();
}
