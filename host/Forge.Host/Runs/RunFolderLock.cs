using System.Globalization;
using Forge.Core;

namespace Forge.Host.Runs;

/// <summary>
/// The lock that keeps a run folder to one <c>forge run</c>: <c>run.lock</c> opened with <see cref="FileShare.None"/>
/// (an exclusive <c>flock</c> on Linux and macOS, a sharing lock on Windows), which excludes any other open of the file
/// — another process's or this one's — for as long as the run holds it. The OS drops it when the process ends, however
/// it ends, so a crash leaves no stale lock (the file staying behind is harmless). While held, <c>run.lock</c> cannot
/// be read by a process that would take it, so the holder writes its pid and start time to <c>run.pid</c>, which a
/// refused process reads for its message and the holder deletes when it lets go.
/// </summary>
internal sealed class RunFolderLock : IDisposable
{
    public const string FileName = "run.lock";
    public const string HolderFileName = "run.pid";

    private readonly FileStream _lock;
    private readonly string _holder;

    private RunFolderLock(FileStream held, string holder)
    {
        _lock = held;
        _holder = holder;
    }

    /// <summary>Takes <paramref name="folder"/>'s lock (creating the folder); refuses with one line naming the holder when another has it.</summary>
    public static RunFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        FileStream held;
        try
        {
            held = new FileStream(Path.Combine(folder, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (HeldElsewhere(ex))
        {
            throw new ForgeDataException($"{folder}: in use by {Holder(folder)}");
        }
        string holder = Path.Combine(folder, HolderFileName);
        try
        {
            string since = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
            File.WriteAllText(holder, $"forge pid {Environment.ProcessId} (since {since})\n");
        }
        catch
        {
            held.Dispose();
            throw;
        }
        return new RunFolderLock(held, holder);
    }

    /// <summary>Deletes <c>run.pid</c>, then lets go of the lock.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_holder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale run.pid is only read while the lock is held again, and the next holder rewrites it.
        }
        _lock.Dispose();
    }

    /// <summary>The holder as <c>run.pid</c> names it: <c>forge pid N (since …)</c>.</summary>
    private static string Holder(string folder)
    {
        try
        {
            string line = File.ReadAllText(Path.Combine(folder, HolderFileName)).Trim();
            if (line.StartsWith("forge pid ", StringComparison.Ordinal) && !line.Contains('\n', StringComparison.Ordinal)) return line;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not written yet (the holder has only just taken the lock), or unreadable: say what is known.
        }
        return $"another process ({FileName} is locked; {HolderFileName} does not say which)";
    }

    /// <summary>
    /// The open failed because another open holds the lock: EWOULDBLOCK from <c>flock</c> (11 on Linux, 35 on macOS),
    /// or ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows; any other failure is not a lock's.
    /// </summary>
    private static bool HeldElsewhere(IOException ex) =>
        ex.GetType() == typeof(IOException)
        && (OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33 : ex.HResult == (OperatingSystem.IsMacOS() ? 35 : 11));
}
