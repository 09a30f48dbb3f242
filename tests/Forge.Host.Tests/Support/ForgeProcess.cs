using Forge.Host.Cli;

namespace Forge.Host.Tests.Support;

/// <summary>Runs the <c>forge</c> command line in-process and captures what it prints.</summary>
internal static class ForgeProcess
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = ForgeCli.Run(args, output, error);
        return new Result(exit, output.ToString(), error.ToString());
    }
}
