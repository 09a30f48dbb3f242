using System.Runtime.InteropServices;
using System.Text;
using Forge.Host.Cli;
using Forge.Host.Hosting;
using Forge.Host.Serving;

namespace Forge.Host.Tests.Support;

/// <summary>
/// <c>forge serve</c> (the whole command line, or <see cref="ServeHost"/> over a given <see cref="ChatModel"/>) on a
/// thread of the test process, on a free loopback port. <see cref="Interrupt"/> acts as SIGINT does; disposing
/// interrupts it if it still runs.
/// </summary>
internal sealed class InProcessServer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly ShutdownSignals _signals;
    private readonly Lines _out = new();
    private readonly Lines _error = new();
    private readonly Task<int> _exit;
    private int _interrupted;

    private InProcessServer(Func<TextWriter, TextWriter, ShutdownSignals, int> body)
    {
        _signals = ShutdownSignals.None(_error);
        _exit = Task.Factory.StartNew(() => body(_out, _error, _signals), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? banner;
        while ((banner = _out.Text.Split('\n').FirstOrDefault(l => l.StartsWith("serving ", StringComparison.Ordinal))) is null)
        {
            if (_exit.IsCompleted) throw new InvalidOperationException($"forge serve ended ({_exit.Result}) before listening:\n{_error.Text}");
            if (clock.Elapsed > Patience) throw new TimeoutException($"forge serve did not listen within {Patience}:\n{_error.Text}");
            Thread.Sleep(10);
        }
        Banner = banner;
        BaseUrl = banner.Split(' ').Single(w => w.StartsWith("http://", StringComparison.Ordinal));
    }

    /// <summary>Runs <c>forge</c> with <paramref name="args"/> (a serve command line).</summary>
    public static InProcessServer Cli(params string[] args) => new((output, error, signals) => ForgeCli.Run(args, output, error, signals));

    /// <summary>Serves <paramref name="model"/> on 127.0.0.1.</summary>
    public static InProcessServer Serve(ChatModel model, ApiKey? key = null) =>
        new((output, error, signals) => ServeHost.Run(model, ListenAddress.Parse("127.0.0.1"), 0, key, "test", output, error, signals));

    /// <summary>The line that announced the address.</summary>
    public string Banner { get; }

    /// <summary>The OpenAI base URL, e.g. http://127.0.0.1:41234/v1.</summary>
    public string BaseUrl { get; }

    public string Error => _error.Text;

    /// <summary>SIGINT, once (a second one would end the test process, as it ends forge).</summary>
    public void Interrupt()
    {
        if (Interlocked.Exchange(ref _interrupted, 1) == 0) _signals.Request(PosixSignal.SIGINT);
    }

    /// <summary>The exit code; throws when the server is still running after <paramref name="patience"/>.</summary>
    public int WaitForExit(TimeSpan patience) =>
        _exit.Wait(patience) ? _exit.Result : throw new TimeoutException($"forge serve still runs {patience} later:\n{_error.Text}");

    public void Dispose()
    {
        if (!_exit.IsCompleted)
        {
            Interrupt();
            _exit.Wait(Patience);
        }
        _signals.Dispose();
    }

    /// <summary>A writer several threads may write to while the test reads.</summary>
    private sealed class Lines : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get { lock (_text) return _text.ToString(); }
        }

        public override void Write(char value)
        {
            lock (_text) _text.Append(value);
        }

        public override void Write(string? value)
        {
            lock (_text) _text.Append(value);
        }

        public override void WriteLine(string? value)
        {
            lock (_text) _text.Append(value).Append('\n');
        }
    }
}
