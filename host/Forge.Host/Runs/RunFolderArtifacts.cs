using System.Text.Json.Nodes;
using Forge.Core;
using Forge.Core.Pipelines;

namespace Forge.Host.Runs;

/// <summary>
/// What a Forge run writes into its folder (besides <see cref="RunFolderLock"/>'s files): what shows that a folder
/// already holds a run, and what <c>forge run --overwrite</c> deletes — those files and nothing else, so inputs kept in
/// the run folder (relative paths resolve there first) survive.
/// </summary>
internal static class RunFolderArtifacts
{
    /// <summary>Files of the run itself, temporary ones of an interrupted write included.</summary>
    private static readonly string[] RunFiles =
        [RunConfigurationFile.FileName, "summary.json", "summary.json.tmp", "metrics.jsonl", "report.html", "report.html.tmp"];

    /// <summary>
    /// What only a run leaves: <c>config.json</c> (written before the first stage), <c>summary.json</c> (by runs from
    /// before it), and metrics, checkpoints, evaluations, TensorBoard events. <c>data/</c> is not one: inputs may live there.
    /// </summary>
    private static readonly string[] RunMarks = [RunConfigurationFile.FileName, "summary.json", "metrics.jsonl", "checkpoints", "eval", "tensorboard"];

    /// <summary>The first entry of <paramref name="folder"/> that shows a run was made there, or null.</summary>
    public static string? RunMark(string folder) => RunMarks.FirstOrDefault(name =>
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) || (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any());
    });

    /// <summary>
    /// Deletes the run in <paramref name="folder"/>: its run files, <c>tensorboard/</c>, and for each stage its
    /// <c>config.json</c> or <c>summary.json</c> names, <c>checkpoints/&lt;stage&gt;/</c>, <c>data/&lt;stage&gt;.jsonl</c>
    /// and <c>eval/&lt;stage&gt;.json</c>. Refuses, deleting nothing, when <c>checkpoints/</c> holds something of no such
    /// stage: the new run could not tell it from its own.
    /// </summary>
    public static void Delete(string folder)
    {
        var stages = StageNames(folder);
        string checkpoints = Path.Combine(folder, "checkpoints"), data = Path.Combine(folder, "data"), eval = Path.Combine(folder, "eval");
        if (Directory.Exists(checkpoints)
            && Directory.EnumerateFileSystemEntries(checkpoints).FirstOrDefault(e => !stages.Contains(Path.GetFileName(e))) is { } stranger)
        {
            string named = stages.Count == 0 ? "no stages" : "stages " + string.Join(", ", stages.Order(StringComparer.Ordinal));
            throw new ForgeDataException($"{stranger}: not of a stage of the run in this folder ({RunConfigurationFile.FileName} and summary.json name {named}); --overwrite deletes only the run's own files: move it away first");
        }
        foreach (string file in RunFiles) DeleteFile(Path.Combine(folder, file));
        DeleteDirectory(Path.Combine(folder, "tensorboard"));
        foreach (string stage in stages)
        {
            DeleteDirectory(Path.Combine(checkpoints, stage));
            foreach (string file in new[] { Path.Combine(data, stage + ".jsonl"), Path.Combine(eval, stage + ".json") })
            {
                DeleteFile(file);
                DeleteFile(file + ".tmp");
            }
        }
        foreach (string directory in new[] { checkpoints, data, eval })
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
    }

    /// <summary>The stages of the run in <paramref name="folder"/>: every stage of its config.json's pipelines, and those summary.json lists.</summary>
    private static HashSet<string> StageNames(string folder)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (RunConfigurationFile.Read(folder)?["Pipelines"] is JsonObject pipelines)
            foreach (var (_, pipeline) in pipelines)
                if (pipeline?["Stages"] is JsonArray stages)
                    foreach (var stage in stages.OfType<JsonObject>())
                        if ((stage["Name"] ?? stage["Kind"]) is JsonValue name && name.TryGetValue(out string? text) && IsFolderName(text))
                            names.Add(text);
        if (RunSummary.Read(folder) is { } summary)
            foreach (var stage in summary.Stages.Where(s => IsFolderName(s.Name))) names.Add(stage.Name);
        return names;
    }

    /// <summary>A stage name as the pipeline allows one: a single folder name, so that deleting by it stays inside the run folder.</summary>
    private static bool IsFolderName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\']) < 0 && name is not "." and not ".." && !Path.IsPathRooted(name);

    /// <summary>Deletes a file if it is there (<see cref="File.Delete"/> throws when its folder is not).</summary>
    private static void DeleteFile(string file)
    {
        if (File.Exists(file)) File.Delete(file);
    }

    private static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
