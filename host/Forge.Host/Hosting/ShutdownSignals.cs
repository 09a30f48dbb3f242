using System.Runtime.InteropServices;

namespace Forge.Host.Hosting;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM. While a run allows a graceful stop, the first signal cancels <see cref="Token"/>: the
/// running stage stops at its next step boundary and writes a checkpoint, and the process exits 130 (SIGINT) or 143
/// (SIGTERM); a server (<c>forge serve</c>) stops listening, cancels the requests in flight and exits 0. A second
/// signal exits at once. Outside a run or a server (other verbs) signals terminate the process as usual.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TextWriter _error;
    private int _received;
    private volatile bool _graceful;
    private string _stopping = "";
    private string _abandoning = "";

    private ShutdownSignals(TextWriter error) => _error = error;

    /// <summary>Listens for SIGINT and SIGTERM (the real process).</summary>
    public static ShutdownSignals Register(TextWriter error)
    {
        var signals = new ShutdownSignals(error);
        signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, signals.Handle));
        signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, signals.Handle));
        return signals;
    }

    /// <summary>No handlers (the command line run in-process, as tests do): only <see cref="Request"/> stops.</summary>
    public static ShutdownSignals None(TextWriter error) => new(error);

    /// <summary>Cancelled by the first signal of a graceful run.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that asked for the stop (SIGINT until one arrives).</summary>
    public PosixSignal Signal { get; private set; } = PosixSignal.SIGINT;

    /// <summary>The exit code for <see cref="Signal"/>: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? 143 : 130;

    /// <summary>
    /// From now on the first signal asks for a graceful stop instead of ending the process; <paramref name="stopping"/>
    /// and <paramref name="abandoning"/> say what the first and a second signal do (a run's checkpoint by default).
    /// </summary>
    public void EnableGracefulStop(string stopping = "stopping at the next step boundary to write a checkpoint (send it again to exit at once)",
        string abandoning = "exiting at once, without a checkpoint")
    {
        (_stopping, _abandoning) = (stopping, abandoning);
        _graceful = true;
    }

    /// <summary>Acts as if <paramref name="signal"/> had arrived (returns false when it must end the process).</summary>
    public bool Request(PosixSignal signal)
    {
        if (!_graceful) return false;
        if (Interlocked.Increment(ref _received) > 1)
        {
            _error.Write($"{signal} again: {_abandoning}{Environment.NewLine}");
            _error.Flush();
            ExitNow(signal == PosixSignal.SIGTERM ? 143 : 130);
        }
        Signal = signal;
        _error.WriteLine($"{signal}: {_stopping}");
        _error.Flush();
        _stop.Cancel();
        return true;
    }

    private void Handle(PosixSignalContext context) => context.Cancel = Request(context.Signal);

    /// <summary>
    /// Ends the process without running exit handlers: Environment.Exit would run libtorch's static destructors while
    /// the main thread is still inside libtorch, which crashes (SIGSEGV) instead of exiting.
    /// </summary>
    private static void ExitNow(int code)
    {
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        _exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
