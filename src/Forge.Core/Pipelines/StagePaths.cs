namespace Forge.Core.Pipelines;

/// <summary>How a stage's relative paths resolve: the run folder first, then beside the executable, then the working directory.</summary>
public static class StagePaths
{
    /// <summary>The full path of <paramref name="value"/>, or null when it is empty.</summary>
    public static string? Resolve(string? value, string runDirectory)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Path.IsPathRooted(value)) return value;
        string inRun = Path.Combine(runDirectory, value);
        if (File.Exists(inRun) || Directory.Exists(inRun)) return inRun;
        string besideHost = Path.Combine(AppContext.BaseDirectory, value);
        return File.Exists(besideHost) || Directory.Exists(besideHost) ? besideHost : Path.GetFullPath(value);
    }
}
