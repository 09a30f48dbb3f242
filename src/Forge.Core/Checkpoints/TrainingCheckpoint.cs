using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Forge.Core.Checkpoints;

/// <summary>
/// A resumable step checkpoint of a training stage, <c>checkpoints/&lt;stage&gt;/step-&lt;N&gt;/</c>: the model as a
/// Hugging Face folder, <c>trainer.safetensors</c> (optimizer and trainer state) and <c>progress.json</c>. It is
/// written into <c>step-&lt;N&gt;.tmp/</c>, every file flushed to disk, then renamed into place, and only then does the
/// <c>latest</c> marker (itself replaced atomically) point at it and do older step folders get pruned, so a crash at
/// any moment leaves the previous checkpoint whole and findable.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The marker file naming the newest complete step folder.</summary>
    public const string LatestFile = "latest";

    /// <summary>The stage's progress in a step folder.</summary>
    public const string ProgressFile = "progress.json";

    /// <summary>The training context's state in a step folder.</summary>
    public const string StateFile = "trainer.safetensors";

    /// <summary>Writes step <paramref name="progress"/>.Step; <paramref name="writeContents"/> fills the folder it is given.</summary>
    /// <returns>The complete step folder and what the write took.</returns>
    public static (string Directory, long Bytes, TimeSpan Elapsed) Write(string stageDirectory, StageProgress progress, Action<string> writeContents, int keep)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(writeContents);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(stageDirectory);
        CheckpointRotation.RemoveLeftovers(stageDirectory);
        string name = StepName(progress.Step);
        string final = Path.Combine(stageDirectory, name), temp = final + ".tmp";
        // The same step again (a resumed stage stopped before finishing a step) holds the same state: keep the folder.
        if (Directory.Exists(final)) return (final, 0, clock.Elapsed);
        Directory.CreateDirectory(temp);
        writeContents(temp);
        File.WriteAllText(Path.Combine(temp, ProgressFile), progress.ToJson());
        long bytes = 0;
        foreach (string file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories))
        {
            // Files written by other code (a copied tokenizer) may still sit in the page cache: flush them all.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            stream.Flush(flushToDisk: true);
            bytes += stream.Length;
        }
        Directory.Move(temp, final);
        CheckpointWriter.WriteAtomically(Path.Combine(stageDirectory, LatestFile), stream => stream.Write(Encoding.UTF8.GetBytes(name + "\n")));
        CheckpointRotation.Prune(stageDirectory, keep);
        return (final, bytes, clock.Elapsed);
    }

    /// <summary>
    /// The newest complete step checkpoint of a stage, or null: the one <c>latest</c> names, else (marker missing or
    /// pointing at a folder that is gone) the highest-numbered complete folder.
    /// </summary>
    public static (string Directory, StageProgress Progress)? Latest(string stageDirectory)
    {
        string marker = Path.Combine(stageDirectory, LatestFile);
        string? directory = null;
        if (File.Exists(marker))
        {
            string named = Data.BoundedFile.ReadAllText(marker, 4096, "latest checkpoint marker").Trim();
            string candidate = Path.Combine(stageDirectory, named);
            if (CheckpointRotation.Complete(stageDirectory).Any(c => c.Directory == candidate)) directory = candidate;
        }
        directory ??= CheckpointRotation.Complete(stageDirectory).Select(c => c.Directory).LastOrDefault();
        if (directory is null) return null;
        string progressPath = Path.Combine(directory, ProgressFile);
        if (!File.Exists(progressPath)) throw new ForgeDataException($"{directory}: step checkpoint without {ProgressFile}");
        var progress = StageProgress.Read(progressPath);
        if (StepName(progress.Step) != Path.GetFileName(directory))
            throw new ForgeDataException($"{progressPath}: says step {progress.Step}, but the folder is {Path.GetFileName(directory)}");
        return (directory, progress);
    }

    private static string StepName(int step) => "step-" + step.ToString(CultureInfo.InvariantCulture);
}
