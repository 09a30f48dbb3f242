using System.Runtime.InteropServices;
using Forge.Cuda.Nccl;

namespace Forge.Host.Tests;

/// <summary>
/// <see cref="NativeExports"/> binds the CUDA runtime, NCCL and LibTorchSharp for the communicator: checked here on
/// the C library every Linux process has.
/// </summary>
public sealed class NativeExportsTests
{
    [Fact]
    public void The_first_name_the_loader_finds_is_taken_and_none_found_is_zero()
    {
        NativeExports.FirstLoadable(["libforge-missing-1.so", "libc.so.6"]).Should().NotBe(IntPtr.Zero);
        NativeExports.FirstLoadable(["libforge-missing-1.so", "libforge-missing-2.so"]).Should().Be(IntPtr.Zero);
    }

    [Fact]
    public void An_export_is_the_library_s_own_entry_point_and_is_looked_up_once()
    {
        int loads = 0;
        var exports = new NativeExports(() =>
        {
            loads++;
            return NativeExports.FirstLoadable(["libc.so.6"]);
        });
        var strlen = exports["strlen"];
        strlen.Should().Be(NativeLibrary.GetExport(exports.Library, "strlen"));
        exports["strlen"].Should().Be(strlen);
        exports["getpid"].Should().NotBe(strlen);
        loads.Should().Be(1);
        var text = Marshal.StringToHGlobalAnsi("forge");
        try
        {
            Marshal.GetDelegateForFunctionPointer<StrLen>(strlen)(text).Should().Be((nuint)5);
        }
        finally
        {
            Marshal.FreeHGlobal(text);
        }
    }

    private delegate nuint StrLen(IntPtr text);
}
