using Forge.Host.Cli;

namespace Forge.Host.Tests.Support;

/// <summary>Runs the <c>forge</c> command line in-process and captures what it prints.</summary>
internal static class ForgeProcess
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>stderr without the plain progress lines (<c>[2/5] rl …</c>) that share it.</summary>
        public string ErrorText => string.Join('\n', Error.Split('\n').Where(l => !ProgressLine.IsMatch(l)));
    }

    private static readonly System.Text.RegularExpressions.Regex ProgressLine = new(@"^\[\d+/\d+\] ");

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = ForgeCli.Run(args, output, error);
        return new Result(exit, output.ToString(), error.ToString());
    }
}
