using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Core.Checkpoints;

/// <summary>
/// The <c>step-&lt;N&gt;</c> folders of a stage: which are complete, which are leftovers of an interrupted write, and
/// pruning to the newest few once a new one is complete.
/// </summary>
public static partial class CheckpointRotation
{
    /// <summary>Complete step folders (renamed into place, so whole) by step number, oldest first.</summary>
    public static IReadOnlyList<(int Step, string Directory)> Complete(string stageDirectory)
    {
        if (!Directory.Exists(stageDirectory)) return [];
        return Directory.EnumerateDirectories(stageDirectory)
            .Select(d => (Match: StepName().Match(Path.GetFileName(d)), Directory: d))
            .Where(x => x.Match.Success && int.TryParse(x.Match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(x => (int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Directory))
            .OrderBy(x => x.Item1)
            .ToList();
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> complete step folders.</summary>
    public static void Prune(string stageDirectory, int keep)
    {
        var complete = Complete(stageDirectory);
        foreach (var (_, directory) in complete.Take(Math.Max(0, complete.Count - keep)))
            Directory.Delete(directory, recursive: true);
    }

    /// <summary>Deletes half-written (<c>.tmp</c>) step folders of a crashed write.</summary>
    public static void RemoveLeftovers(string stageDirectory)
    {
        if (!Directory.Exists(stageDirectory)) return;
        foreach (string directory in Directory.EnumerateDirectories(stageDirectory))
            if (LeftoverName().IsMatch(Path.GetFileName(directory))) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Deletes every step folder and the <c>latest</c> marker: a stage starting over must not mix runs.</summary>
    public static void RemoveAll(string stageDirectory)
    {
        RemoveLeftovers(stageDirectory);
        foreach (var (_, directory) in Complete(stageDirectory)) Directory.Delete(directory, recursive: true);
        File.Delete(Path.Combine(stageDirectory, TrainingCheckpoint.LatestFile));
    }

    [GeneratedRegex(@"^step-([0-9]{1,9})$")]
    private static partial Regex StepName();

    [GeneratedRegex(@"^step-[0-9]{1,9}\.tmp$")]
    private static partial Regex LeftoverName();
}
