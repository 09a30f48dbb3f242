using System.Runtime.InteropServices;

namespace Forge.Host.Tests.Support;

/// <summary>
/// Files no command may trust, put where a command expects one: nothing there, a folder, an empty file, random bytes,
/// invalid UTF-8, a symbolic link to <c>/dev/zero</c> (it never ends) or a FIFO (opening it blocks until a writer
/// comes). And the bound every hostile run must finish in.
/// </summary>
internal static class HostileInput
{
    public static readonly IReadOnlyList<string> Kinds = ["missing", "folder", "empty", "garbage", "invalid-utf8", "dev-zero", "fifo"];

    /// <summary>How long a command given hostile input may take before the test fails instead of hanging.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Puts a hostile file of <paramref name="kind"/> at <paramref name="path"/> (its folder is created).</summary>
    public static string Make(string kind, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) || Directory.Exists(path)) File.Delete(path);
        switch (kind)
        {
            case "missing":
                break;
            case "folder":
                Directory.CreateDirectory(path);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "garbage":
                var bytes = new byte[4096];
                new Random(kind.Length).NextBytes(bytes);
                File.WriteAllBytes(path, bytes);
                break;
            case "invalid-utf8":
                File.WriteAllBytes(path, [.. "{\"a\": \""u8, 0xC3, 0x28, .. "\"}\n"u8]);
                break;
            case "dev-zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "fifo":
                if (mkfifo(path, 0x1A4) != 0) throw new InvalidOperationException($"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
                break;
            default:
                throw new ArgumentException(kind, nameof(kind));
        }
        return path;
    }

    /// <summary>Runs <c>forge</c> in-process and fails the test, instead of hanging, past <see cref="Patience"/>.</summary>
    public static ForgeProcess.Result Run(params string[] args)
    {
        var run = Task.Run(() => ForgeProcess.Run(args));
        if (!run.Wait(Patience)) throw new TimeoutException($"forge {string.Join(' ', args)} still running after {Patience.TotalSeconds} s");
        return run.Result;
    }

    /// <summary>Exit 2 and exactly one stderr line, <c>error: …</c> containing <paramref name="expected"/>; no trace, nothing on stdout.</summary>
    public static void ShouldRefuse(ForgeProcess.Result result, string expected, int exitCode = 2)
    {
        result.ExitCode.Should().Be(exitCode, result.Error);
        string[] lines = result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle($"exactly one error line is expected, got:\n{result.Error}")
            .Which.Should().StartWith("error: ").And.Contain(expected);
        result.Error.Should().NotContain("   at ").And.NotContain("frame #");
        result.Out.Should().BeEmpty();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
