using System.Runtime.InteropServices;

namespace Forge.Core.Devices;

/// <summary>
/// Bit-for-bit repeatable runs on CUDA (<c>Forge:Deterministic</c>), as PyTorch's
/// <c>torch.use_deterministic_algorithms(True, warn_only=True)</c> and TRL's <c>full_determinism</c>: libtorch picks
/// deterministic kernels where it has them (attention backward, scatter-adds) and warns where it has none, and cuBLAS
/// gets the fixed workspace its determinism needs (<c>CUBLAS_WORKSPACE_CONFIG=:4096:8</c>, set in the process
/// environment before any CUDA work unless already set). TorchSharp does not implement the switch, so libtorch's
/// <c>at::globalContext().setDeterministicAlgorithms(bool, bool)</c> is called by its exported name; where the
/// library lacks it, <see cref="Enable"/> says so and nothing changes. The CPU is deterministic either way.
/// </summary>
public static class Determinism
{
    /// <summary>The cuBLAS setting deterministic mode needs.</summary>
    public const string CublasWorkspace = ":4096:8";

    private const string Torch = "libtorch_cpu";

    /// <summary>Turns deterministic mode on for the rest of the process; returns null, or why it could not.</summary>
    public static string? Enable()
    {
        if (!OperatingSystem.IsLinux()) return "deterministic mode is only wired up on Linux";
        // .NET's Environment.SetEnvironmentVariable does not reach the native environment cuBLAS reads.
        if (string.IsNullOrEmpty(GetEnvironment("CUBLAS_WORKSPACE_CONFIG"))) _ = SetEnv("CUBLAS_WORKSPACE_CONFIG", CublasWorkspace, 1);
        return Set(true);
    }

    /// <summary>Turns deterministic mode off again (tests); returns null, or why it could not.</summary>
    public static string? Disable() => Set(false);

    /// <summary>Whether libtorch currently runs deterministic algorithms (null when it cannot be asked).</summary>
    public static bool? Enabled
    {
        get
        {
            try
            {
                _ = TorchSharp.torch.CPU; // libtorch is loaded
                return DeterministicAlgorithms(GlobalContext());
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>The native process environment's value of <paramref name="name"/> (what libtorch and cuBLAS read).</summary>
    public static string? GetEnvironment(string name) => OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(GetEnv(name)) : Environment.GetEnvironmentVariable(name);

    private static string? Set(bool on)
    {
        try
        {
            _ = TorchSharp.torch.CPU; // libtorch is loaded
            SetDeterministicAlgorithms(GlobalContext(), on, warnOnly: true);
            return null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return $"libtorch's deterministic switch was not found ({ex.Message})";
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code; a few calls do not justify it
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    // at::Context& at::globalContext()
    [DllImport(Torch, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // void at::Context::setDeterministicAlgorithms(bool, bool): `this` first (Itanium C++ ABI)
    [DllImport(Torch, EntryPoint = "_ZN2at7Context26setDeterministicAlgorithmsEbb")]
    private static extern void SetDeterministicAlgorithms(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on, [MarshalAs(UnmanagedType.U1)] bool warnOnly);

    // bool at::Context::deterministicAlgorithms() const
    [DllImport(Torch, EntryPoint = "_ZNK2at7Context23deterministicAlgorithmsEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool DeterministicAlgorithms(IntPtr context);
#pragma warning restore SYSLIB1054
}
