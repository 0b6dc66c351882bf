using System.Globalization;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>
/// A person opens the API reference in a real browser (headless Chromium), in Development, and tries a protected
/// route with the page's own "Test Request": the request carries the page's development token and answers 200.
/// </summary>
public sealed class ReferencePageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TryingAProtectedRoute_OnTheReferencePage_Answers200WithTheDevelopmentToken()
    {
        var ports = FreePorts.Take(3);
        var url = $"http://127.0.0.1:{ports[0]}";
        using var api = SiloProcess.StartApi(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "Memory",
            ["Orleans__SiloPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports[2].ToString(CultureInfo.InvariantCulture),
        }, "--urls", url);
        await api.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(2));
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(url + "/scalar/#tag/contracts/GET/v1/contracts");

        // The page renders from its script, the linked operation first: its "Test Request" (a screen reader's text
        // names the operation) opens the request, which is then sent.
        const string testRequest = "[...document.querySelectorAll('button')].find(b => b.textContent.startsWith('Test Request') && b.textContent.includes('(get /v1/contracts)'))";
        await UntilAsync(browser, $"{testRequest} !== undefined");
        await browser.EvaluateAsync($"{testRequest}.click()");
        await UntilAsync(browser, "[...document.querySelectorAll('button')].some(b => /^Send/.test(b.innerText.trim()))");

        // What the page sends is seen where it leaves: the page's own fetch, recorded with its status and token.
        await browser.EvaluateAsync("""
            (() => {
              window.sent = [];
              const fetch = window.fetch;
              window.fetch = async (input, init) => {
                const response = await fetch(input, init);
                const headers = new Headers(init?.headers ?? input?.headers ?? {});
                window.sent.push({ url: String(input?.url ?? input), status: response.status, authorization: headers.get('Authorization') ?? '' });
                return response;
              };
            })()
            """);
        await browser.EvaluateAsync("[...document.querySelectorAll('button')].find(b => /^Send/.test(b.innerText.trim())).click()");
        await UntilAsync(browser, "window.sent.some(r => r.url.includes('/v1/contracts'))");

        var sent = (await browser.EvaluateAsync("window.sent.find(r => r.url.includes('/v1/contracts'))"))!;
        await File.WriteAllBytesAsync(Path.Combine(Path.GetTempPath(), "milestones-reference.png"), await browser.ScreenshotAsync());
        output.WriteLine($"sent from the page: {sent.ToJsonString()[..Math.Min(sent.ToJsonString().Length, 160)]}");
        Assert.Equal(200, sent["status"]!.GetValue<int>());
        Assert.StartsWith("Bearer ey", sent["authorization"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Waits (bounded) until a JavaScript condition holds in the page; fails with the page's text.</summary>
    private static async Task UntilAsync(HeadlessChromium browser, string condition)
    {
        for (var i = 0; i < 60; i++)
        {
            if ((await browser.EvaluateAsync(condition))?.GetValue<bool>() == true)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.Fail($"The page never met `{condition}`; it shows: {(await browser.EvaluateAsync("document.body.innerText.slice(0, 1500)"))}; its buttons: {(await browser.EvaluateAsync("[...document.querySelectorAll('button')].map(b => b.textContent.trim()).filter(t => t).join(' | ').slice(0, 1500)"))}");
    }
}
