using System.Runtime.InteropServices;

namespace Forge.Cuda.Graphs;

/// <summary>
/// The C ABI of native/forge_cuda_graphs.cpp, bound by function pointers once <see cref="GraphsLibrary"/> has loaded
/// (and if need be built) the library; every call returns 0 on success and -1 with <see cref="LastError"/>.
/// </summary>
internal static unsafe class GraphsNative
{
    /// <summary>The ABI revision this code calls; the library's <c>forge_graphs_abi</c> must return it.</summary>
    public const int Abi = 5;

    private static delegate* unmanaged<int> _abi;
    private static delegate* unmanaged<IntPtr> _lastError;
    private static delegate* unmanaged<int, IntPtr*, int> _streamCreate;
    private static delegate* unmanaged<IntPtr, int> _streamEnter, _streamExit, _graphBegin, _graphEnd, _graphReplay, _graphDestroy;
    private static delegate* unmanaged<IntPtr*, int> _graphCreate;
    private static delegate* unmanaged<int> _kernelsAvailable;
    private static delegate* unmanaged<int, int, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, long, int, float, int> _addRmsNorm;
    private static delegate* unmanaged<int, int, IntPtr, IntPtr, long, int, int> _siluMul;
    private static delegate* unmanaged<int, int, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, float, IntPtr, IntPtr, IntPtr, IntPtr, long, int, int, int, long, long, int> _ropeCache;
    private static delegate* unmanaged<int, int, IntPtr, IntPtr, float, long, int, IntPtr, IntPtr, int> _pick;
    private static delegate* unmanaged<int, long*, int> _memoryStats;
    private static delegate* unmanaged<int, int> _memoryResetPeaks;

    /// <summary>Binds every entry point of the loaded library <paramref name="library"/>.</summary>
    public static void Bind(IntPtr library)
    {
        IntPtr Get(string name) => NativeLibrary.GetExport(library, name);
        _abi = (delegate* unmanaged<int>)Get("forge_graphs_abi");
        _lastError = (delegate* unmanaged<IntPtr>)Get("forge_graphs_last_error");
        _streamCreate = (delegate* unmanaged<int, IntPtr*, int>)Get("forge_stream_create");
        _streamEnter = (delegate* unmanaged<IntPtr, int>)Get("forge_stream_enter");
        _streamExit = (delegate* unmanaged<IntPtr, int>)Get("forge_stream_exit");
        _graphCreate = (delegate* unmanaged<IntPtr*, int>)Get("forge_graph_create");
        _graphBegin = (delegate* unmanaged<IntPtr, int>)Get("forge_graph_begin");
        _graphEnd = (delegate* unmanaged<IntPtr, int>)Get("forge_graph_end");
        _graphReplay = (delegate* unmanaged<IntPtr, int>)Get("forge_graph_replay");
        _graphDestroy = (delegate* unmanaged<IntPtr, int>)Get("forge_graph_destroy");
        if (_abi() != Abi) return; // an older library: GraphsLibrary refuses it before anything below is called
        _kernelsAvailable = (delegate* unmanaged<int>)Get("forge_kernels_available");
        _addRmsNorm = (delegate* unmanaged<int, int, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, long, int, float, int>)Get("forge_add_rms_norm");
        _siluMul = (delegate* unmanaged<int, int, IntPtr, IntPtr, long, int, int>)Get("forge_silu_mul");
        _ropeCache = (delegate* unmanaged<int, int, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, float, IntPtr, IntPtr, IntPtr, IntPtr, long, int, int, int, long, long, int>)Get("forge_rope_cache");
        _pick = (delegate* unmanaged<int, int, IntPtr, IntPtr, float, long, int, IntPtr, IntPtr, int>)Get("forge_pick");
        _memoryStats = (delegate* unmanaged<int, long*, int>)Get("forge_memory_stats");
        _memoryResetPeaks = (delegate* unmanaged<int, int>)Get("forge_memory_reset_peaks");
    }

    /// <summary>libtorch's caching allocator on <paramref name="device"/>: allocated, peak allocated, reserved, peak reserved bytes.</summary>
    public static (long Allocated, long PeakAllocated, long Reserved, long PeakReserved) MemoryStats(int device)
    {
        long* figures = stackalloc long[4];
        Check(_memoryStats(device, figures), "reading libtorch's CUDA allocator statistics");
        return (figures[0], figures[1], figures[2], figures[3]);
    }

    public static void MemoryResetPeaks(int device) => Check(_memoryResetPeaks(device), "resetting libtorch's CUDA allocator peaks");

    public static void Pick(int device, int dtype, IntPtr logits, IntPtr uniforms, float temperature, long rows, int vocab, IntPtr ids, IntPtr output) =>
        Check(_pick(device, dtype, logits, uniforms, temperature, rows, vocab, ids, output), "the fused token-picking kernel");

    public static bool KernelsAvailable() => _kernelsAvailable() == 1;

    public static void AddRmsNorm(int device, int dtype, IntPtr x, IntPtr delta, IntPtr weight, IntPtr sum, IntPtr output, long rows, int hidden, float eps) =>
        Check(_addRmsNorm(device, dtype, x, delta, weight, sum, output, rows, hidden, eps), "the fused add + RMSNorm kernel");

    public static void SiluMul(int device, int dtype, IntPtr gateUp, IntPtr output, long rows, int intermediate) =>
        Check(_siluMul(device, dtype, gateUp, output, rows, intermediate), "the fused SiLU·up kernel");

    public static void RopeCache(int device, int dtype, IntPtr projected, IntPtr bias, IntPtr cos, IntPtr sin, IntPtr queryNorm, IntPtr keyNorm, float eps,
        IntPtr queries, IntPtr keys, IntPtr values, IntPtr slot, long rows, int heads, int kvHeads, int dim, long cacheRowStride, long cacheHeadStride) =>
        Check(_ropeCache(device, dtype, projected, bias, cos, sin, queryNorm, keyNorm, eps, queries, keys, values, slot, rows, heads, kvHeads, dim, cacheRowStride, cacheHeadStride),
            "the fused rotary + cache-write kernel");

    public static int AbiVersion() => _abi();

    public static IntPtr StreamCreate(int device)
    {
        IntPtr stream;
        Check(_streamCreate(device, &stream), "taking a stream from libtorch's pool");
        return stream;
    }

    public static void StreamEnter(IntPtr stream) => Check(_streamEnter(stream), "making the side stream current");

    public static void StreamExit(IntPtr stream) => Check(_streamExit(stream), "restoring the current stream");

    public static IntPtr GraphCreate()
    {
        IntPtr graph;
        Check(_graphCreate(&graph), "creating a CUDA graph");
        return graph;
    }

    public static void GraphBegin(IntPtr graph) => Check(_graphBegin(graph), "beginning a CUDA-graph capture");

    public static int GraphEnd(IntPtr graph) => _graphEnd(graph);

    public static void GraphReplay(IntPtr graph) => Check(_graphReplay(graph), "replaying a CUDA graph");

    public static int GraphDestroy(IntPtr graph) => _graphDestroy(graph);

    /// <summary>The message of the last failed call on this thread.</summary>
    public static string LastError => Marshal.PtrToStringUTF8(_lastError()) ?? "unknown error";

    /// <summary>Throws with <paramref name="what"/> and the native message when <paramref name="status"/> is not 0.</summary>
    public static void Check(int status, string what)
    {
        if (status != 0) throw new InvalidOperationException($"{what}: {LastError.Split('\n')[0]}");
    }
}
