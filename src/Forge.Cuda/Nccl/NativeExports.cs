using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Forge.Cuda.Nccl;

/// <summary>
/// A native library loaded on first use and its entry points, each looked up once: collectives, events and the fused
/// kernels' wrappers call through these on every launch.
/// </summary>
internal sealed class NativeExports(Func<IntPtr> load)
{
    private readonly Lazy<IntPtr> _library = new(load);
    private readonly ConcurrentDictionary<string, IntPtr> _exports = new();

    /// <summary>The library's handle; <see cref="IntPtr.Zero"/> when the loader found none and did not throw.</summary>
    public IntPtr Library => _library.Value;

    /// <summary>The address of the export <paramref name="name"/>.</summary>
    public IntPtr this[string name] => _exports.GetOrAdd(name, n => NativeLibrary.GetExport(_library.Value, n));

    /// <summary>The handle of the first of <paramref name="names"/> the loader finds; <see cref="IntPtr.Zero"/> when none.</summary>
    public static IntPtr FirstLoadable(IEnumerable<string> names)
    {
        foreach (string name in names)
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return IntPtr.Zero;
    }
}
