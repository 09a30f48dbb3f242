using System.Runtime.InteropServices;

namespace Forge.Core.Tests.Fuzzing;

/// <summary>
/// Files no reader may trust, made in a folder of their own: a FIFO (opening it blocks until a writer comes), a
/// symbolic link to <c>/dev/zero</c> (it never ends), a folder where a file belongs, a sparse file larger than any limit,
/// invalid UTF-8, a line with no end.
/// </summary>
internal sealed class HostileFiles : IDisposable
{
    public HostileFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "forge-hostile-" + Guid.NewGuid().ToString("N"));

    /// <summary>The kinds <see cref="Make"/> knows; each names a file the readers must refuse.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["fifo", "dev-zero", "folder"];

    /// <summary>A hostile file of <paramref name="kind"/> named <paramref name="name"/> in a new folder.</summary>
    public string Make(string kind, string name)
    {
        string folder = Path.Combine(Root, kind + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        switch (kind)
        {
            case "fifo":
                if (mkfifo(path, 0x1A4) != 0) throw new InvalidOperationException($"mkfifo failed: errno {Marshal.GetLastPInvokeError()}");
                break;
            case "dev-zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "folder":
                Directory.CreateDirectory(path);
                break;
            default:
                throw new ArgumentException(kind, nameof(kind));
        }
        return path;
    }

    /// <summary>A sparse file of <paramref name="bytes"/> zero bytes: no time or disk to write, all of it to read.</summary>
    public string Sparse(string name, long bytes)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create);
        stream.SetLength(bytes);
        return path;
    }

    public string Write(string name, byte[] content)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on another thread and fails past <paramref name="seconds"/> instead of hanging
    /// (<see cref="Dispose"/> then gives a FIFO a writer, so the stuck thread ends); returns what <paramref name="read"/> threw.
    /// </summary>
    public static Exception? Within(double seconds, Action read)
    {
        var task = Task.Run(read);
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(seconds))) throw new TimeoutException($"still reading after {seconds} s");
            return null;
        }
        catch (AggregateException ex)
        {
            return ex.InnerException;
        }
    }

    public void Dispose()
    {
        // Unblocks a reader a failed test left waiting on a FIFO (without blocking when there is none).
        const int WriteOnlyNonBlocking = 0x1 | 0x800;
        foreach (string fifo in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(Path.GetDirectoryName(p)!).StartsWith("fifo-", StringComparison.Ordinal)))
        {
            int fd = open(fifo, WriteOnlyNonBlocking);
            if (fd >= 0) close(fd);
        }
        Directory.Delete(Root, recursive: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc")]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
