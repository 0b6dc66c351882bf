using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.EventPipe;

namespace Milestones.ProfileReport;

/// <summary>
/// The CPU samples of a nettrace written with the SampleProfiler provider (dotnet-trace's dotnet-sampled-thread-time
/// profile: every managed thread's stack about once a millisecond), each attributed to one layer by
/// <see cref="LayerRules"/>. A sample is user-mode CPU when its thread was running managed code (and not just back from
/// a wait or a system call: <see cref="LayerRules.WaitsAndSystemCalls"/>), or was outside it in one of
/// <see cref="LayerRules.NativeWork"/>; every other sample is a thread waiting or in the kernel. Threads the runtime
/// does not manage (the server GC's, the JIT's background compiler) are never sampled.
/// </summary>
internal sealed class Profile
{
    private readonly Dictionary<int, Frame> _frames = [];
    private readonly Dictionary<int, int> _samplesPerThread = [];
    private double _firstMs = double.MaxValue;
    private double _lastMs;

    /// <summary>Every thread sample in the trace, waiting ones included.</summary>
    public int Samples { get; private set; }

    /// <summary>The samples counted as CPU.</summary>
    public int CpuSamples { get; private set; }

    /// <summary>Of <see cref="CpuSamples"/>, those in native work (<see cref="LayerRules.NativeWork"/>).</summary>
    public int NativeWorkSamples { get; private set; }

    /// <summary>
    /// The thread time one sample stands for: the trace's span over the sampler's rounds (the samples of the thread
    /// sampled most, as every round samples every managed thread).
    /// </summary>
    public TimeSpan Interval => TimeSpan.FromMilliseconds(
        _samplesPerThread.Count == 0 ? 0 : (_lastMs - _firstMs) / Math.Max(1, _samplesPerThread.Values.Max() - 1));

    /// <summary>CPU samples per layer.</summary>
    public Dictionary<string, int> ByLayer { get; } = [];

    /// <summary>CPU samples per leaf method (the leaf-most frame that names one) and its sample's layer.</summary>
    public Dictionary<(string Leaf, string Layer), int> ByLeaf { get; } = [];

    /// <summary>
    /// CPU samples per method of the product's own (the leaf-most frame in a <c>Milestones.</c> namespace): what its
    /// code spends, with whatever it calls of the framework's and the libraries'.
    /// </summary>
    public Dictionary<string, int> ByOwnMethod { get; } = [];

    /// <summary>CPU samples per method of the product's own and the leaf method under it.</summary>
    public Dictionary<(string Own, string Leaf), int> ByOwnAndLeaf { get; } = [];

    public static Profile Read(string nettrace)
    {
        var etlx = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.etlx");
        try
        {
            TraceLog.CreateFromEventPipeDataFile(nettrace, etlx);
            using var log = new TraceLog(etlx);
            var profile = new Profile();
            foreach (var traced in log.Events)
            {
                if (traced is ClrThreadSampleTraceData sample)
                {
                    profile.Add(sample.ThreadID, sample.TimeStampRelativeMSec, sample.Type, sample.CallStack());
                }
            }

            return profile;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private void Add(int thread, double atMs, ClrThreadSampleType type, TraceCallStack? stack)
    {
        Samples++;
        _samplesPerThread[thread] = _samplesPerThread.GetValueOrDefault(thread) + 1;
        _firstMs = Math.Min(_firstMs, atMs);
        _lastMs = Math.Max(_lastMs, atMs);
        var (leaf, nativeLeaf, layer) = Walk(stack);
        // The sampler counts a thread that came back from native code while it held the runtime as in managed code:
        // whether a sample is CPU, and its layer, follow what the thread was doing in native code too.
        var nativeWork = leaf is not null && LayerRules.NativeWork.Matches(leaf.Text);
        var cpu = type == ClrThreadSampleType.Managed
            ? leaf is null || !LayerRules.WaitsAndSystemCalls.Matches(leaf.Text)
            : nativeWork;
        if (!cpu)
        {
            return;
        }

        CpuSamples++;
        NativeWorkSamples += nativeWork ? 1 : 0;
        // A native leaf under anything but native work is the runtime's own code: allocation and cast helpers, stubs.
        var runtime = nativeLeaf && !nativeWork;
        layer = runtime ? LayerRules.RuntimeNative : layer ?? LayerRules.Other;
        var method = leaf?.Method ?? "(no managed frame)";
        var leafName = runtime ? $"(native code) called by {method}" : method;
        ByLayer[layer] = ByLayer.GetValueOrDefault(layer) + 1;
        ByLeaf[(leafName, layer)] = ByLeaf.GetValueOrDefault((leafName, layer)) + 1;
        var own = OwnMethod(stack) ?? "(none of the product's)";
        ByOwnMethod[own] = ByOwnMethod.GetValueOrDefault(own) + 1;
        ByOwnAndLeaf[(own, leafName)] = ByOwnAndLeaf.GetValueOrDefault((own, leafName)) + 1;
    }

    private string? OwnMethod(TraceCallStack? stack)
    {
        for (var call = stack; call is not null; call = call.Caller)
        {
            if (FrameOf(call).Method is var method && method.StartsWith("Milestones.", StringComparison.Ordinal))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>
    /// One walk of a stack from the leaf, past the skipped frames: the leaf-most named frame, whether the leaf itself
    /// is native code, and the layer of the first frame a rule of <see cref="LayerRules.Layers"/> matches.
    /// </summary>
    private (Frame? Leaf, bool NativeLeaf, string? Layer) Walk(TraceCallStack? stack)
    {
        Frame? leaf = null;
        string? layer = null;
        var nativeLeaf = stack is not null && !FrameOf(stack).Named;
        for (var call = stack; call is not null && (leaf is null || layer is null); call = call.Caller)
        {
            var frame = FrameOf(call);
            if (frame.Layer == LayerRules.Skip)
            {
                continue;
            }

            leaf ??= frame.Named ? frame : null;
            layer ??= frame.Layer;
        }

        return (leaf, nativeLeaf, layer);
    }

    private Frame FrameOf(TraceCallStack call)
    {
        var address = call.CodeAddress;
        var index = (int)address.CodeAddressIndex;
        if (!_frames.TryGetValue(index, out var frame))
        {
            frame = new Frame(address.ModuleName ?? "", address.FullMethodName ?? "");
            _frames.Add(index, frame);
        }

        return frame;
    }

    /// <summary>A code address of the trace: its module, its method if the trace names one, and its layer.</summary>
    private sealed class Frame
    {
        public Frame(string module, string method)
        {
            Text = $"{module}!{method}";
            Named = method.Length > 0;
            var arguments = method.IndexOf('(', StringComparison.Ordinal);
            Method = arguments < 0 ? method : method[..arguments];
            Layer = LayerRules.Layers.FirstOrDefault(rule => rule.Matches(Text))?.Layer;
        }

        public string Text { get; }

        public bool Named { get; }

        /// <summary>The method's name without its argument list.</summary>
        public string Method { get; }

        /// <summary>The layer of the first rule that matches, or null.</summary>
        public string? Layer { get; }
    }
}
