using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Forge.Host.Tests.Support;

/// <summary>
/// The real <c>forge</c> executable (built beside the tests) in a child process, for what only a process shows: being
/// killed, and signals.
/// </summary>
internal sealed class ForgeChild : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    private ForgeChild(Process process) => _process = process;

    public static ForgeChild Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts <c>forge</c> with <paramref name="environment"/> added to this process's environment.</summary>
    public static ForgeChild Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "forge.exe" : "forge"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // One torch thread: on cores shared with other processes, OpenMP's spin-waiting can make a two-thread run of a
        // tiny model forty times slower. (Results do not depend on it; the runs compared here all use one.)
        start.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var child = new ForgeChild(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (child._out) child._out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._error) child._error.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Runs <c>forge</c> with <paramref name="args"/> to its end.</summary>
    public static ForgeProcess.Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs <c>forge</c> with <paramref name="args"/> and <paramref name="environment"/> added to its environment.</summary>
    public static ForgeProcess.Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var child = Start(environment, args);
        return child.WaitForExit();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails if the process ends first.</summary>
    public void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited) throw new InvalidOperationException($"forge exited ({_process.ExitCode}) before {what}:\n{Error}");
            if (clock.Elapsed > Patience) throw new TimeoutException($"no {what} after {Patience}:\n{Error}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does to stop a process.</summary>
    public void Terminate()
    {
        const int SIGTERM = 15;
        if (kill(_process.Id, SIGTERM) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>SIGKILL: nothing in the process runs after it.</summary>
    public void Kill() => _process.Kill();

    public ForgeProcess.Result WaitForExit()
    {
        if (!_process.WaitForExit(Patience))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"forge did not exit within {Patience}:\n{Error}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return new ForgeProcess.Result(_process.ExitCode, Out, Error);
    }

    private string Out { get { lock (_out) return _out.ToString(); } }

    private string Error { get { lock (_error) return _error.ToString(); } }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
