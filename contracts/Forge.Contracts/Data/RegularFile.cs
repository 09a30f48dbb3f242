using System.Runtime.InteropServices;

namespace Forge.Contracts.Data;

/// <summary>
/// Tells, before opening, whether a path is a regular file once symbolic links are followed — not a FIFO (opening one
/// blocks until a writer comes, forever), a character or block device (<c>/dev/zero</c> never ends), a socket or a
/// folder. On Linux the type comes from <c>statx(2)</c>, whose layout is the same on every architecture; elsewhere a
/// folder or a path under <c>/dev</c> is refused and the byte limits of <see cref="InputFile"/> do the rest.
/// </summary>
internal static class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int TypeMask = 0xF000;

    /// <summary>Why <paramref name="path"/> cannot be read as a <paramref name="what"/> file, or null when it can.</summary>
    public static string? Problem(string path, string what)
    {
        if (Directory.Exists(path)) return $"{path}: is a folder, not a {what} file";
        if (!File.Exists(path)) return $"{path}: {what} file not found";
        string? kind = OperatingSystem.IsLinux() ? LinuxKind(path) : OtherKind(path);
        return kind is null ? null : $"{path}: is a {kind}, not a regular {what} file";
    }

    private static string? LinuxKind(string path)
    {
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null; // File.Exists said yes; opening it will say what is wrong
        int type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        return type switch
        {
            0x8000 => null,
            0x1000 => "FIFO (named pipe)",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    private static string? OtherKind(string path)
    {
        string target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        return !OperatingSystem.IsWindows() && target.StartsWith("/dev/", StringComparison.Ordinal) ? "device" : null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);
}
