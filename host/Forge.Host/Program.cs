using Forge.Host.Cli;
using Forge.Host.Hosting;

using var signals = ShutdownSignals.Register(Console.Error);
return ForgeCli.Run(args, Console.Out, Console.Error, signals);
