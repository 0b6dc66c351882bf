using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Milestones.Tests.Storage;

/// <summary>
/// Debian's <c>chromium</c>, headless, driven over the DevTools protocol (one page): navigate, evaluate, read
/// cookies, take a screenshot. The process and its profile folder go away on dispose.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process process;
    private readonly DirectoryInfo profile;
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> pending = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> events = new();
    private readonly CancellationTokenSource stop = new();
    private Task? receiving;
    private int nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        this.process = process;
        this.profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium; .ci/run does).");
        var profile = Directory.CreateTempSubdirectory("milestones-chromium-");
        var start = new ProcessStartInfo(executable,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", "about:blank"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var chromium = new HeadlessChromium(process, profile);
        try
        {
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.StartsWith("DevTools listening on ", StringComparison.Ordinal) == true)
                {
                    listening.TrySetResult(new Uri(e.Data["DevTools listening on ".Length..]));
                }
            };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var browser = await listening.Task.WaitAsync(Timeout);
            using var http = new HttpClient();
            var targets = await http.GetFromJsonAsync<JsonArray>($"http://{browser.Authority}/json/list");
            var page = targets!.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            await chromium.socket.ConnectAsync(new Uri(page), CancellationToken.None);
            chromium.receiving = chromium.ReceiveAsync();
            await chromium.SendAsync("Page.enable");
            await chromium.SendAsync("Network.enable");
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    /// <summary>Loads <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url) => await LoadAsync(() => SendAsync("Page.navigate", new JsonObject { ["url"] = url }));

    /// <summary>Runs <paramref name="action"/> (a navigation, a form submission) and waits for the page it loads.</summary>
    public async Task LoadAsync(Func<Task> action)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        events["Page.loadEventFired"] = loaded;
        await action();
        await loaded.Task.WaitAsync(Timeout);
    }

    /// <summary>The value of a JavaScript expression in the page (a promise is awaited).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        return result["result"]?["value"];
    }

    /// <summary>Every cookie the browser holds for <paramref name="url"/>, HttpOnly ones included.</summary>
    public async Task<JsonArray> CookiesAsync(string url) =>
        (await SendAsync("Network.getCookies", new JsonObject { ["urls"] = new JsonArray(url) }))["cookies"]!.AsArray();

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((await SendAsync("Page.captureScreenshot"))["data"]!.GetValue<string>());

    public async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await answer.Task.WaitAsync(Timeout);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (!stop.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await socket.ReceiveAsync(buffer, stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var node = JsonNode.Parse(message.ToArray())!;
            message.SetLength(0);
            if (node["id"] is { } id && pending.TryRemove(id.GetValue<int>(), out var answer))
            {
                if (node["error"] is { } error)
                {
                    answer.TrySetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
                }
                else
                {
                    answer.TrySetResult(node["result"]!);
                }
            }
            else if (node["method"]?.GetValue<string>() is { } name && events.TryRemove(name, out var seen))
            {
                seen.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (receiving is not null)
        {
            await receiving;
        }

        socket.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        stop.Dispose();
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary profile is harmless.
        }
    }
}
