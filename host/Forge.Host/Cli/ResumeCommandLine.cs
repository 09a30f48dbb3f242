namespace Forge.Host.Cli;

/// <summary>The command that resumes an interrupted run: the same arguments, with <c>--output DIR --resume</c> (and without <c>--overwrite</c>).</summary>
internal static class ResumeCommandLine
{
    public static string For(IReadOnlyList<string> arguments, string runFolder)
    {
        var kept = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            if (argument is "--resume" or "--overwrite" || argument.StartsWith("--output=", StringComparison.Ordinal)) continue;
            if (argument == "--output")
            {
                i++; // and its value
                continue;
            }
            kept.Add(argument);
        }
        kept.AddRange(["--output", runFolder, "--resume"]);
        return ShellWords.Forge(kept);
    }
}
