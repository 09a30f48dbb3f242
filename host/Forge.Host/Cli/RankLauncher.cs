using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge run --nproc-per-node N</c>: starts N ranks of the same command on this host, as torchrun would — each a
/// <c>forge</c> process with RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR (127.0.0.1) and a free
/// MASTER_PORT, and one GPU (CUDA_VISIBLE_DEVICES: the N-th of the visible ones). Rank 0 owns the terminal; the other
/// ranks' stderr lines are prefixed with their rank. When a rank fails the others are stopped and the launcher exits
/// with that rank's code after one line naming it; SIGINT/SIGTERM reach every rank, which stop at the same step boundary.
/// </summary>
internal static partial class RankLauncher
{
    private const int SigTerm = 15;

    public static int Run(CliContext cli, int ranks)
    {
        var arguments = WithoutRankCount(cli.Arguments);
        var (file, prefix) = Self();
        string? visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        var devices = visible?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (devices is not null && devices.Length < ranks)
        {
            cli.Error.WriteLine($"error: --nproc-per-node {ranks}: CUDA_VISIBLE_DEVICES names {devices.Length} device(s)");
            return CliContext.UserError;
        }
        int port = FreePort();
        var children = new List<Process>();
        try
        {
            for (int rank = 0; rank < ranks; rank++)
            {
                var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = rank > 0, RedirectStandardOutput = rank > 0 };
                foreach (string a in prefix.Concat(arguments)) start.ArgumentList.Add(a);
                start.Environment["RANK"] = start.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
                start.Environment["WORLD_SIZE"] = start.Environment["LOCAL_WORLD_SIZE"] = ranks.ToString(CultureInfo.InvariantCulture);
                start.Environment["MASTER_ADDR"] = "127.0.0.1";
                start.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
                start.Environment["CUDA_VISIBLE_DEVICES"] = devices?[rank] ?? rank.ToString(CultureInfo.InvariantCulture);
                var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start rank {rank}");
                if (rank > 0)
                {
                    int r = rank;
                    child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli.Error) cli.Error.WriteLine($"[rank {r}] {e.Data}"); };
                    child.OutputDataReceived += (_, e) => { };
                    child.BeginErrorReadLine();
                    child.BeginOutputReadLine();
                }
                children.Add(child);
            }
            return Wait(cli, children);
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited) child.Kill();
                child.Dispose();
            }
        }
    }

    private static int Wait(CliContext cli, List<Process> children)
    {
        bool forwarded = false;
        while (true)
        {
            if (cli.Signals.Token.IsCancellationRequested && !forwarded)
            {
                forwarded = true;
                foreach (var child in children.Where(c => !c.HasExited)) _ = Kill(child.Id, SigTerm);
            }
            // The rank that failed first: the others may fail after it, having lost it.
            var failed = Enumerable.Range(0, children.Count).Where(r => children[r].HasExited && children[r].ExitCode != 0)
                .OrderBy(r => children[r].ExitTime).ToList();
            if (failed.Count > 0)
            {
                int rank = failed[0];
                children[rank].WaitForExit(); // its last lines
                int code = children[rank].ExitCode;
                foreach (var other in children.Where(c => !c.HasExited)) _ = Kill(other.Id, SigTerm);
                foreach (var other in children) if (!other.WaitForExit(TimeSpan.FromSeconds(10))) other.Kill();
                if (!forwarded) lock (cli.Error) cli.Error.WriteLine($"error: rank {rank} exited with code {code}; the other ranks were stopped");
                return code;
            }
            if (children.All(c => c.HasExited))
            {
                foreach (var child in children) child.WaitForExit();
                return 0;
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The command line without <c>--nproc-per-node N</c> (or <c>--nproc-per-node=N</c>).</summary>
    internal static List<string> WithoutRankCount(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--nproc-per-node") { i++; continue; }
            if (arguments[i].StartsWith("--nproc-per-node=", StringComparison.Ordinal)) continue;
            kept.Add(arguments[i]);
        }
        return kept;
    }

    /// <summary>How to start this program again: the apphost, or <c>dotnet</c> with the host's assembly.</summary>
    private static (string File, string[] Prefix) Self()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("the forge executable's path is unknown");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [typeof(RankLauncher).Assembly.Location])
            : (process, []);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
