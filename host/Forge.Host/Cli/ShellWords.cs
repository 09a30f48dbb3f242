namespace Forge.Host.Cli;

/// <summary>A command line as a POSIX shell reads it back: words quoted only where they need it.</summary>
internal static class ShellWords
{
    /// <summary><c>forge</c> followed by <paramref name="arguments"/>, each quoted for the shell where needed.</summary>
    public static string Forge(IEnumerable<string> arguments) => "forge " + string.Join(' ', arguments.Select(Quote));

    /// <summary><paramref name="argument"/> as is when it holds only safe characters, else in single quotes.</summary>
    public static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
