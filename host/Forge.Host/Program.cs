using Forge.Host.Cli;

return ForgeCli.Run(args, Console.Out, Console.Error);
