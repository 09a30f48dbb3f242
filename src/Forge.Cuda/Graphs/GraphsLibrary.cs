using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Forge.Cuda.Graphs;

/// <summary>
/// Finds, builds once and loads native/forge_cuda_graphs.cpp (with the fused kernels of forge_decode_kernels.cu) for the PyTorch whose libtorch this process runs on.
/// The build (native/build.sh: g++ against that torch's headers and libraries, a few seconds) is cached under
/// <c>~/.cache/forge/native/&lt;torch version&gt;-&lt;source hash&gt;/</c> (or <c>$XDG_CACHE_HOME</c>; beside the
/// executable when neither is writable), so it runs once per PyTorch version and source revision.
/// </summary>
internal static class GraphsLibrary
{
    private const string FileName = "libforge_cuda_graphs.so";
    private static readonly Lazy<string?> Failure = new(Load);

    private static string? _kernelsNote;

    /// <summary>What build.sh said of the fused kernels (e.g. why there are none), once the library is loaded.</summary>
    public static string? KernelsNote => Failure.Value is null ? _kernelsNote : null;

    /// <summary>Null once the library is loaded; otherwise why it is not (one line).</summary>
    public static string? Unavailable => Failure.Value;

    private static string? Load()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return "the native graph library is built on Linux only";
            string? torch = LoadedTorchDirectory();
            if (torch is null) return "libtorch_cuda is not loaded (a CPU build of libtorch)";
            string sources = Path.Combine(AppContext.BaseDirectory, "native");
            string source = Path.Combine(sources, "forge_cuda_graphs.cpp"), script = Path.Combine(sources, "build.sh");
            string kernels = Path.Combine(sources, "forge_decode_kernels.cu");
            if (!File.Exists(source) || !File.Exists(script) || !File.Exists(kernels)) return $"the native sources are missing ({sources})";
            string key = $"{TorchVersion(torch)}-{Hash(source, kernels, script)}";
            string? library = Cached(key);
            if (library is null)
            {
                string target = Path.Combine(WritableCache(sources) ?? throw new IOException("no writable cache folder"), key, FileName);
                Console.Error.WriteLine($"forge: building the CUDA-graph library for torch {TorchVersion(torch)} (once; cached in {Path.GetDirectoryName(target)})");
                string? error = Build(script, torch, target);
                if (error is not null) return $"building the native graph library failed: {error}";
                library = target;
            }
            GraphsNative.Bind(NativeLibrary.Load(library));
            _kernelsNote = File.Exists(library + ".kernels") ? File.ReadAllText(library + ".kernels").Trim() : null;
            int abi = GraphsNative.AbiVersion();
            return abi == GraphsNative.Abi ? null : $"{library} has ABI {abi}, this Forge needs {GraphsNative.Abi}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            return e.Message.Split('\n')[0];
        }
    }

    /// <summary>torch's package folder, from where this process loaded libtorch_cuda.so.</summary>
    internal static string? LoadedTorchDirectory()
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            int at = line.IndexOf('/');
            if (at < 0 || !line.EndsWith("/libtorch_cuda.so", StringComparison.Ordinal)) continue;
            string lib = Path.GetDirectoryName(line[at..])!;
            return Path.GetDirectoryName(lib);
        }
        return null;
    }

    /// <summary>torch's <c>__version__</c> from its version.py, or the folder's hash when there is none.</summary>
    internal static string TorchVersion(string torch)
    {
        string file = Path.Combine(torch, "version.py");
        if (File.Exists(file))
            foreach (string line in File.ReadLines(file))
                if (line.StartsWith("__version__", StringComparison.Ordinal))
                {
                    string version = line.Split('=', 2)[1].Trim().Trim('\'', '"');
                    return string.Concat(version.Select(c => char.IsLetterOrDigit(c) || c is '.' or '+' or '_' ? c : '_'));
                }
        return "torch-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(torch)))[..12].ToLowerInvariant();
    }

    private static string Hash(params string[] files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string f in files) sha.AppendData(File.ReadAllBytes(f));
        return Convert.ToHexString(sha.GetHashAndReset())[..12].ToLowerInvariant();
    }

    private static IEnumerable<string> CacheRoots(string sources)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) yield return Path.Combine(xdg, "forge", "native");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) yield return Path.Combine(home, ".cache", "forge", "native");
        yield return Path.Combine(sources, "build");
    }

    private static string? Cached(string key) =>
        CacheRoots(Path.Combine(AppContext.BaseDirectory, "native")).Select(root => Path.Combine(root, key, FileName)).FirstOrDefault(File.Exists);

    private static string? WritableCache(string sources)
    {
        foreach (string root in CacheRoots(sources))
        {
            try
            {
                Directory.CreateDirectory(root);
                string probe = Path.Combine(root, $".probe-{Environment.ProcessId}");
                File.WriteAllText(probe, "");
                File.Delete(probe);
                return root;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>Runs build.sh; null on success, else the last line it printed.</summary>
    private static string? Build(string script, string torch, string target)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { script, torch, target }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return "build.sh ran over 5 minutes";
        }
        string text = errors.Result + output.Result;
        if (process.ExitCode == 0 && File.Exists(target)) return null;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? first = lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        return first ?? lines.LastOrDefault() ?? $"build.sh exited {process.ExitCode}";
    }
}
