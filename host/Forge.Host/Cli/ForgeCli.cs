using System.CommandLine;

namespace Forge.Host.Cli;

/// <summary>The <c>forge</c> command line: global options and one verb per command class.</summary>
internal static class ForgeCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var globals = new GlobalOptions();
        var cli = new CliContext(output, error, globals);
        var root = new RootCommand("Forge: train reasoning language models the DeepSeek-R1 way; every algorithm is a plugin.");
        globals.AddTo(root);
        root.Subcommands.Add(PluginsCommand.Create(cli));
        root.Subcommands.Add(RunCommand.Create(cli));
        root.Subcommands.Add(ScoreCommand.Create(cli));
        root.Subcommands.Add(TokenizeCommand.Create(cli));
        root.Subcommands.Add(GenerateCommand.Create(cli));
        root.Subcommands.Add(EvalCommand.Create(cli));
        root.Subcommands.Add(ServeCommand.Create(cli));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
