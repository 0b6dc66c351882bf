using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Milestones.Tests.Storage;

/// <summary>A person opens the Orleans dashboard in a real browser (headless Chromium) by signing in with a platform token.</summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheDashboard_OpensInABrowser_AfterSigningInWithAPlatformToken_KeptInAnHttpOnlySameSiteCookie()
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
        var (user, platform) = (await TokenAsync(url, "alice", false), await TokenAsync(url, "ops", true));
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync(url + "/dashboard/");
        Assert.Equal("/dashboard/login", (await browser.EvaluateAsync("location.pathname"))!.GetValue<string>());

        await browser.LoadAsync(() => SignInAsync(browser, user));
        Assert.Equal("/dashboard/login", (await browser.EvaluateAsync("location.pathname"))!.GetValue<string>());
        Assert.Contains("platform role", (await browser.EvaluateAsync("document.getElementById('error').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await browser.CookiesAsync(url + "/dashboard/"));

        await browser.LoadAsync(() => SignInAsync(browser, platform));
        Assert.Equal("/dashboard/", (await browser.EvaluateAsync("location.pathname"))!.GetValue<string>());
        var cookie = Assert.Single(await browser.CookiesAsync(url + "/dashboard/"));
        Assert.Equal("milestones_dashboard", cookie!["name"]!.GetValue<string>());
        Assert.True(cookie["httpOnly"]!.GetValue<bool>());
        Assert.Equal("Strict", cookie["sameSite"]!.GetValue<string>());
        Assert.Equal("/dashboard", cookie["path"]!.GetValue<string>());
        Assert.Equal("", (await browser.EvaluateAsync("document.cookie"))!.GetValue<string>());
        Assert.Equal(200, (await browser.EvaluateAsync("fetch('/dashboard/ClusterStats').then(r => r.status)"))!.GetValue<int>());
        Assert.Equal(401, (await browser.EvaluateAsync("fetch('/v1/contracts').then(r => r.status)"))!.GetValue<int>());

        // The dashboard's script renders the cluster from its own data requests (bounded wait for the browser).
        var text = "";
        for (var i = 0; i < 60 && !ShowsOneSilo(text); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            text = (await browser.EvaluateAsync("document.body.innerText"))!.GetValue<string>();
        }

        var screenshot = Path.Combine(Path.GetTempPath(), "milestones-dashboard.png");
        await File.WriteAllBytesAsync(screenshot, await browser.ScreenshotAsync());
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(ShowsOneSilo(text), text);
    }

    private static bool ShowsOneSilo(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"active silos\s+1\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static async Task SignInAsync(HeadlessChromium browser, string token) => await
        browser.EvaluateAsync($"document.getElementById('token').value = {JsonSerializer.Serialize(token)}; document.querySelector('form').submit();");

    private static async Task<string> TokenAsync(string url, string user, bool platform)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(url + "/v1/dev/tokens", new { userId = user, platform });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
