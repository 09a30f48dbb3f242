using System.CommandLine;
using Forge.Core;
using Forge.Core.Rewards;
using Forge.Host.Hosting;

namespace Forge.Host.Cli;

/// <summary>
/// Where verbs write, and the one place errors become exit codes: bad input (<see cref="ForgeDataException"/>) is one
/// line and exit 2; a reward plugin's fault (<see cref="RewardFaultException"/>, its message already naming the reward
/// and its own exception) is one line and exit 1; anything else is one line with its type and exit 1; stack traces
/// only with --verbose.
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error, GlobalOptions globals, ShutdownSignals signals, IReadOnlyList<string> arguments)
{
    public const int UserError = 2;
    public const int InternalError = 1;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>SIGINT/SIGTERM: the token a graceful run stops on, and its exit code.</summary>
    public ShutdownSignals Signals { get; } = signals;

    /// <summary>
    /// The ranks a run trains with when they are given (tests: an in-process world); otherwise <c>forge run</c> reads
    /// the launch environment (RANK, WORLD_SIZE, …).
    /// </summary>
    public Core.Distributed.ICommunicator? Communicator { get; init; }

    /// <summary>The command line as given (to print how to resume an interrupted run).</summary>
    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>Builds the application (configuration, plugins, validation) and runs <paramref name="body"/> with it.</summary>
    public int WithApplication(ParseResult parse, Func<ForgeApplication, int> body, bool quietConsoleLog = false) => Guard(parse, () =>
    {
        using var application = ForgeApplication.Create(Globals.Read(parse) with { QuietConsoleLog = quietConsoleLog });
        return body(application);
    });

    public int Guard(ParseResult parse, Func<int> body)
    {
        bool verbose = parse.GetValue(Globals.Verbose);
        try
        {
            return body();
        }
        catch (Exception ex) when (ex is ForgeDataException or Contracts.Plugins.PluginInputException)
        {
            Error.WriteLine($"error: {ex.Message}");
            if (verbose) Error.WriteLine(ex);
            return UserError;
        }
        catch (RewardFaultException ex)
        {
            Error.WriteLine($"error: {ex.Message}");
            if (verbose) Error.WriteLine(ex);
            return InternalError;
        }
        catch (Exception ex)
        {
            // libtorch's errors carry their C++ stack frames after the first line: those are for --verbose.
            Error.WriteLine($"error: {ex.GetType().Name}: {NativeErrors.FirstLine(ex.Message)}");
            if (verbose) Error.WriteLine(ex);
            return InternalError;
        }
    }
}
