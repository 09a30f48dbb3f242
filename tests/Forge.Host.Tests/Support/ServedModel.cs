using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Forge.Host.Tests.Support;

/// <summary>`forge serve` running as a real child process on a free loopback port; disposing stops it.</summary>
internal sealed class ServedModel : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _errors = [];

    public ServedModel(string modelFolder, string template, params string[] extra)
        : this(modelFolder, template, null, extra)
    {
    }

    /// <summary>As above, <paramref name="customize"/> setting the process's environment or working folder.</summary>
    public ServedModel(string modelFolder, string template, Action<ProcessStartInfo>? customize, params string[] extra)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "forge"),
            ["serve", "--model", modelFolder, "--port", "0", "--template", template, .. extra])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // One torch thread: on cores shared with other processes, OpenMP's spin-waiting slows a tiny model down.
        start.Environment["OMP_NUM_THREADS"] = "1";
        customize?.Invoke(start);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
        _process.BeginErrorReadLine();
        // The first line names the bound address: "serving NAME at http://127.0.0.1:PORT/v1 …".
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"forge serve exited: {ErrorText}");
        BaseUrl = line.Split(' ').Single(w => w.StartsWith("http://", StringComparison.Ordinal));
    }

    /// <summary>The OpenAI base URL, e.g. http://127.0.0.1:41234/v1.</summary>
    public string BaseUrl { get; }

    /// <summary>What it wrote to stderr so far.</summary>
    public string ErrorText
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>Its resident memory (managed and native), from /proc.</summary>
    public long ResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024).Single();

    /// <summary>Sends <paramref name="signal"/> (15: SIGTERM, as a service manager stops a process).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>The exit code, or null while it still runs after <paramref name="patience"/>.</summary>
    public int? WaitForExit(TimeSpan patience)
    {
        if (!_process.WaitForExit(patience)) return null;
        _process.WaitForExit(); // drains stderr
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
