using System.Diagnostics;

namespace Forge.Host.Tests.Support;

/// <summary>`forge serve` running as a real child process on a free loopback port; disposing stops it.</summary>
internal sealed class ServedModel : IDisposable
{
    private readonly Process _process;

    public ServedModel(string modelFolder, string template)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "forge"),
            ["serve", "--model", modelFolder, "--port", "0", "--template", template])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
        _process.BeginErrorReadLine();
        // The first line names the bound address: "serving NAME at http://127.0.0.1:PORT/v1 …".
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"forge serve exited: {string.Join('\n', _errors)}");
        BaseUrl = line.Split(' ').Single(w => w.StartsWith("http://", StringComparison.Ordinal));
    }

    private readonly List<string> _errors = [];

    /// <summary>The OpenAI base URL, e.g. http://127.0.0.1:41234/v1.</summary>
    public string BaseUrl { get; }

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
