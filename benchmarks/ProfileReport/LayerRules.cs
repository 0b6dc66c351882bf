using System.Text.RegularExpressions;

namespace Milestones.ProfileReport;

/// <summary>
/// The whole attribution, in three tables. <see cref="Layers"/>: a CPU sample goes to the layer of the first frame,
/// from the leaf towards the root, that a rule matches (rules are tried in order, so an earlier one wins for the same
/// frame); frames no rule matches (the base library's collections, strings, casts, hashing, async plumbing) pass the
/// sample on to their caller. <see cref="WaitsAndSystemCalls"/> and <see cref="NativeWork"/>: which samples are
/// user-mode CPU.
/// A pattern is matched against a frame's "module!Namespace.Type.Method(arguments)", '*' standing for any text; a frame
/// the trace has no method name for reads "module!" (precompiled code not named in the trace) or "!" (native code).
/// </summary>
internal static class LayerRules
{
    /// <summary>The layer of a sample whose leaf frame is native code: the runtime's helpers and stubs.</summary>
    public const string RuntimeNative = "GC / runtime native";

    /// <summary>The layer of a sample no frame of which any rule matches.</summary>
    public const string Other = "other";

    /// <summary>
    /// Frames a rule of this name matches are skipped: they say where the sampler stopped a thread, not what it did.
    /// </summary>
    public const string Skip = "skip";

    /// <summary>The layers' rules, tried in order for each frame.</summary>
    public static readonly IReadOnlyList<LayerRule> Layers =
    [
        // A thread that the sampler stops in managed code is caught at a GC poll; the code that polled is its caller.
        new(Skip, "*!System.Threading.Thread.*PollGC*"),
        new("storage", "Npgsql!*", "System.Data.Common!*", "*!Milestones.Silo.Storage.*", "*!Orleans.Storage.*",
            "*!Orleans.Core.StateStorageBridge*", "Orleans.*.AdoNet!*"),
        new("serialisation", "Orleans.Serialization!*", "*!OrleansCodeGen.*.Codec_*", "*!OrleansCodeGen.*.Copier_*",
            "System.Text.Json!*", "System.IO.Compression!*"),
        new("domain", "*!Milestones.Domain.*"),
        // Milestones.Grains holds the grains (and the domain, matched above); Milestones.Silo the host (and storage).
        new("grains & Orleans runtime", "Milestones.Grains!*", "Milestones.Silo!*", "Orleans.*!*", "*!OrleansCodeGen.*"),
        new("HTTP + auth", "Microsoft.AspNetCore.*!*", "Microsoft.IdentityModel.*!*", "System.IdentityModel.*!*",
            "Milestones.Api!*"),
        new("telemetry", "OpenTelemetry*!*", "*!System.Diagnostics.Metrics.*"),
        new("networking & threading", "System.Net.*!*", "System.IO.Pipelines!*", "*!System.Threading.*"),
    ];

    /// <summary>
    /// A sample whose leaf-most named frame is one of these is no user-mode CPU: its thread was blocked (a thread-pool
    /// worker's, the timer's or the socket engine's wait, a contended lock) or in the kernel (socket I/O, waking a
    /// thread), or the sampler caught it just back from either. The kernel's time is in /proc's stime instead.
    /// </summary>
    public static readonly LayerRule WaitsAndSystemCalls = new("waits and system calls",
        "*!System.Threading.LowLevelLifoSemaphore.*", "*!System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart*",
        "*!System.Threading.WaitHandle.Wait*", "*!System.Threading.Monitor.Wait*", "*!System.Threading.Monitor.Enter_Slowpath*",
        "*!System.Threading.ManualResetEventSlim.Wait*", "*!System.Threading.SemaphoreSlim.Wait*", "*!System.Threading.Thread.Sleep*",
        "*!Interop+Kernel32.SetEvent*", "*!System.Net.Sockets.SocketAsyncEngine.EventLoop*", "*!System.Net.Sockets.SocketPal.*",
        "*!Interop+Sys.*");

    /// <summary>
    /// A sample of a thread outside managed code is CPU only if its leaf-most named frame is one of these calls into
    /// native libraries that compute in user mode (zlib, OpenSSL); every other such sample is a wait or a system call.
    /// </summary>
    public static readonly LayerRule NativeWork = new("native work", "System.IO.Compression!*", "System.Security.Cryptography!*");
}

/// <summary>A layer and the frame patterns that belong to it (see <see cref="LayerRules"/>).</summary>
internal sealed class LayerRule(string layer, params string[] patterns)
{
    private readonly Regex _match = new(
        "^(?:" + string.Join("|", patterns.Select(p => Regex.Escape(p).Replace(@"\*", ".*", StringComparison.Ordinal))) + ")$",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);

    public string Layer { get; } = layer;

    public bool Matches(string frame) => _match.IsMatch(frame);
}
