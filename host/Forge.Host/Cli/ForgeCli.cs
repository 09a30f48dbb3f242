using System.CommandLine;
using System.CommandLine.Invocation;
using Forge.Host.Hosting;

namespace Forge.Host.Cli;

/// <summary>The <c>forge</c> command line: global options and one verb per command class.</summary>
internal static class ForgeCli
{
    /// <summary>Runs in-process (tests): no signal handlers are installed.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        using var signals = ShutdownSignals.None(error);
        return Run(args, output, error, signals);
    }

    public static int Run(string[] args, TextWriter output, TextWriter error, ShutdownSignals signals, Core.Distributed.ICommunicator? communicator = null)
    {
        var globals = new GlobalOptions();
        var cli = new CliContext(output, error, globals, signals, args) { Communicator = communicator };
        var root = new RootCommand("Forge: train reasoning language models the DeepSeek-R1 way; every algorithm is a plugin.");
        globals.AddTo(root);
        root.Subcommands.Add(PluginsCommand.Create(cli));
        root.Subcommands.Add(RunCommand.Create(cli));
        root.Subcommands.Add(ScoreCommand.Create(cli));
        root.Subcommands.Add(TokenizeCommand.Create(cli));
        root.Subcommands.Add(GenerateCommand.Create(cli));
        root.Subcommands.Add(EvalCommand.Create(cli));
        root.Subcommands.Add(ServeCommand.Create(cli));
        root.Subcommands.Add(MergeCommand.Create(cli));
        root.Subcommands.Add(ReportCommand.Create(cli));
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // Bad command-line input is bad input: one line and exit 2, not System.CommandLine's help page and exit 1.
            error.WriteLine($"error: {CommandLineErrors.Describe(parse)}");
            return CliContext.UserError;
        }
        // Signals are ShutdownSignals' business: System.CommandLine's own handling would end a run after two seconds.
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }
}
