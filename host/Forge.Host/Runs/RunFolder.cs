using Forge.Core;
using Forge.Core.Pipelines;

namespace Forge.Host.Runs;

/// <summary>
/// A run folder taken for one <c>forge run</c>: locked (<see cref="RunFolderLock"/>) until disposed, and checked under
/// the lock before anything is written — a new run needs a folder holding no run (<c>--overwrite</c> first deletes the
/// one there, <see cref="RunFolderArtifacts"/>), a resumed one a folder holding the run it continues. A refusal is one
/// line naming the folder or file and leaves the folder as it was; where no lock file is there yet, it comes before
/// one is created, so that it leaves not even that.
/// </summary>
internal sealed class RunFolder : IDisposable
{
    private readonly RunFolderLock _lock;

    private RunFolder(RunFolderLock held) => _lock = held;

    /// <summary>Takes <paramref name="folder"/> for a new run; with <paramref name="overwrite"/>, deletes the run already there.</summary>
    public static RunFolder ForNewRun(string folder, bool overwrite) => Take(folder, () =>
    {
        if (!overwrite && RunFolderArtifacts.RunMark(folder) is { } mark)
            throw new ForgeDataException($"{folder}: holds a run already ({mark}); continue it with --resume, or start it again with --overwrite (which deletes the run's files)");
    }, overwrite ? () => RunFolderArtifacts.Delete(folder) : null);

    /// <summary>Takes <paramref name="folder"/> to continue the run in it; returns what its <c>summary.json</c> says of that run.</summary>
    public static (RunFolder Folder, RunResume Run) ForResume(string folder)
    {
        RunResume? run = null;
        var taken = Take(folder, () =>
        {
            if (!Directory.Exists(folder)) throw new ForgeDataException($"{folder}: no such run folder; nothing to resume");
            run = RunResume.Read(folder)
                ?? throw new ForgeDataException($"{folder}: no summary.json, so no run to resume; nothing was changed (start a new run without --resume)");
        });
        return (taken, run!);
    }

    /// <summary>Checks, locks, checks again under the lock (another process may have come first), then prepares; the last check's reads are the ones that count.</summary>
    private static RunFolder Take(string folder, Action check, Action? prepare = null)
    {
        // Without a lock file there is no holder to name: refuse before creating one.
        if (!File.Exists(Path.Combine(folder, RunFolderLock.FileName))) check();
        var held = RunFolderLock.Acquire(folder);
        try
        {
            check();
            prepare?.Invoke();
            return new RunFolder(held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Lets go of the folder.</summary>
    public void Dispose() => _lock.Dispose();
}
