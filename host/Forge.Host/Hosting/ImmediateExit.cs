using System.Runtime.InteropServices;

namespace Forge.Host.Hosting;

/// <summary>Ends the process at once (libc <c>_exit</c>): a rank whose peer is gone may be blocked inside a collective, where no managed shutdown would return.</summary>
internal static partial class ImmediateExit
{
    public static void Now(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Exit(code);
    }

    [LibraryImport("libc.so.6", EntryPoint = "_exit")]
    private static partial void Exit(int code);
}
