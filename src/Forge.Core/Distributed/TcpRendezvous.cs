using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Forge.Core.Distributed;

/// <summary>
/// The meeting point of a data-parallel job at MASTER_ADDR:MASTER_PORT: rank 0 listens, every other rank connects and
/// names itself, and rank 0 hands each the same payload (NCCL's unique id) — rendezvous only, no collectives. The
/// connections then stay open as the job's lifeline: a rank whose process ends without saying goodbye
/// (<see cref="Finished"/>) — a crash, an error, a kill — closes its connection, and every other rank learns which rank
/// it was (rank 0 passes the news on) through the handler given to <see cref="Join"/>, which ends that process rather
/// than leave it waiting in a collective forever. With <see cref="StartWatchdog"/> the connections also carry every
/// rank's progress through the collectives to rank 0 and rank 0's heartbeat to the others, so that a rank that is
/// alive but hung (or frozen) ends the job too, named, after the collective timeout (<see cref="StallDetector"/>).
/// Under torchrun, whose agent already keeps its own store at
/// MASTER_PORT (<c>TORCHELASTIC_USE_AGENT_STORE=True</c>), Forge meets at MASTER_PORT + 1.
/// </summary>
public sealed partial class TcpRendezvous : IDisposable
{
    private const int Goodbye = -2;
    private const int Progress = -3;  // a rank to rank 0: collectives entered, then finished (two ints each), at a barrier (0/1)
    private const int Stalled = -4;   // rank 0 to the others: the stalled rank, then the line saying why (length, UTF-8)
    private const int Heartbeat = -5; // rank 0 to the others: rank 0's process is alive
    private readonly List<(int Rank, Socket Socket)> _peers = [];
    private readonly HashSet<int> _finishedPeers = [];
    private readonly Action<int, string> _onPeerLost;
    private readonly object _gate = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TcpListener? _listener;
    private volatile bool _closing;
    private volatile bool _finished;
    private int _lost;
    private StallDetector? _detector;
    private long _heardFromMainTicks;
    private int _rank;

    private TcpRendezvous(Action<int, string> onPeerLost) => _onPeerLost = onPeerLost;

    /// <summary>What rank 0 handed out.</summary>
    public byte[] Payload { get; private set; } = [];

    /// <summary>The port the job meets at for <paramref name="environment"/> (see the class remarks).</summary>
    public static int Port(DistributedEnvironment environment, Func<string, string?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        variables ??= Environment.GetEnvironmentVariable;
        bool agentStore = string.Equals(variables("TORCHELASTIC_USE_AGENT_STORE"), "True", StringComparison.OrdinalIgnoreCase);
        return agentStore ? environment.MasterPort + 1 : environment.MasterPort;
    }

    /// <summary>
    /// Meets the other ranks of <paramref name="environment"/> within <paramref name="timeout"/>: rank 0 creates the
    /// payload with <paramref name="mainPayload"/> and sends it; the others receive it. <paramref name="onPeerLost"/>
    /// (rank, what happened) runs on a background thread when another rank is gone.
    /// </summary>
    /// <exception cref="RankFailedException">A rank did not join in time.</exception>
    public static TcpRendezvous Join(DistributedEnvironment environment, Func<byte[]> mainPayload, TimeSpan timeout, Action<int, string> onPeerLost, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mainPayload);
        ArgumentNullException.ThrowIfNull(onPeerLost);
        var rendezvous = new TcpRendezvous(onPeerLost) { _rank = environment.Rank };
        try
        {
            int at = port ?? Port(environment);
            if (environment.Rank == 0) rendezvous.Serve(environment, at, mainPayload(), timeout);
            else rendezvous.Connect(environment, at, timeout);
            return rendezvous;
        }
        catch
        {
            rendezvous.Dispose();
            throw;
        }
    }

    /// <summary>Says goodbye: this rank ends normally, its closing connection is no failure.</summary>
    public void Finished()
    {
        _finished = true;
        lock (_gate)
        {
            foreach (var (_, socket) in _peers) TrySend(socket, Goodbye);
        }
    }

    private void Serve(DistributedEnvironment environment, int port, byte[] payload, TimeSpan timeout)
    {
        _listener = new TcpListener(IPAddress.Any, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            _listener.Start();
        }
        catch (SocketException ex)
        {
            throw new ForgeDataException($"rendezvous: rank 0 cannot listen on port {port} (MASTER_PORT): {ex.Message}");
        }
        using var deadline = new CancellationTokenSource(timeout);
        var joined = new Dictionary<int, Socket>();
        while (joined.Count < environment.WorldSize - 1)
        {
            Socket socket;
            try
            {
                socket = _listener.AcceptSocketAsync(deadline.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                var missing = Enumerable.Range(1, environment.WorldSize - 1).Where(r => !joined.ContainsKey(r)).ToList();
                throw new RankFailedException(missing[0], $"rendezvous: rank(s) {string.Join(", ", missing)} did not join rank 0 at port {port} within {timeout.TotalSeconds:0} s");
            }
            socket.NoDelay = true;
            socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
            int rank = ReadInt(socket) ?? -1;
            socket.ReceiveTimeout = 0;
            if (rank < 1 || rank >= environment.WorldSize || joined.ContainsKey(rank))
            {
                socket.Dispose();
                throw new ForgeDataException($"rendezvous: a process joined as rank {rank}, which is out of range or taken (WORLD_SIZE {environment.WorldSize}); is another job using MASTER_PORT {port}?");
            }
            joined[rank] = socket;
        }
        foreach (var (rank, socket) in joined.OrderBy(p => p.Key))
        {
            Send(socket, payload.Length);
            socket.Send(payload);
            _peers.Add((rank, socket));
        }
        foreach (var (rank, socket) in _peers) Watch(rank, socket, fromMain: false);
    }

    private void Connect(DistributedEnvironment environment, int port, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Socket? socket = null;
        while (socket is null)
        {
            var attempt = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                attempt.Connect(environment.MasterAddress, port);
                socket = attempt;
            }
            catch (SocketException) when (clock.Elapsed < timeout)
            {
                attempt.Dispose();
                Thread.Sleep(200);
            }
            catch (SocketException ex)
            {
                attempt.Dispose();
                throw new RankFailedException(0, $"rendezvous: rank {environment.Rank} could not reach rank 0 at {environment.MasterAddress}:{port} within {timeout.TotalSeconds:0} s ({ex.Message})");
            }
        }
        Send(socket, environment.Rank);
        socket.ReceiveTimeout = (int)Math.Max(1000, (timeout - clock.Elapsed).TotalMilliseconds);
        int length = ReadInt(socket) ?? throw new RankFailedException(0, $"rendezvous: rank 0 closed the connection before handing out the job's id");
        var payload = new byte[length];
        if (!ReadExactly(socket, payload)) throw new RankFailedException(0, "rendezvous: rank 0 closed the connection while handing out the job's id");
        socket.ReceiveTimeout = 0;
        Payload = payload;
        _peers.Add((0, socket));
        Watch(0, socket, fromMain: true);
    }

    /// <summary>Reads the peer's messages until it says goodbye, reports another rank's failure, or is gone.</summary>
    private void Watch(int rank, Socket socket, bool fromMain)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                int? code;
                try
                {
                    code = ReadInt(socket);
                    if (code is not null && fromMain) Interlocked.Exchange(ref _heardFromMainTicks, _clock.Elapsed.Ticks);
                    if (code == Progress && !fromMain)
                    {
                        long entered = ReadLong(socket) ?? throw new IOException("closed"), finished = ReadLong(socket) ?? throw new IOException("closed");
                        int atBarrier = ReadInt(socket) ?? throw new IOException("closed");
                        _detector?.Report(rank, new CollectiveProgress(entered, finished, atBarrier != 0), _clock.Elapsed);
                        continue;
                    }
                    if (code == Heartbeat) continue;
                    if (code == Stalled && fromMain)
                    {
                        int stalled = ReadInt(socket) ?? throw new IOException("closed");
                        int length = ReadInt(socket) ?? throw new IOException("closed");
                        var text = new byte[Math.Clamp(length, 0, 4096)];
                        if (!ReadExactly(socket, text)) throw new IOException("closed");
                        Lost(stalled, System.Text.Encoding.UTF8.GetString(text), relay: false);
                        return;
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
                {
                    code = null;
                }
                if (code == Goodbye)
                {
                    lock (_gate) _finishedPeers.Add(rank);
                    _detector?.Finished(rank);
                    continue;
                }
                if (code is int failed && failed >= 0 && fromMain)
                {
                    Lost(failed, $"rank {failed} failed");
                    return;
                }
                if (code is null)
                {
                    bool said;
                    lock (_gate) said = _finishedPeers.Contains(rank);
                    if (!said && !_closing) Lost(rank, $"rank {rank} exited without finishing (its connection to the rendezvous closed)");
                    return;
                }
            }
        }) { IsBackground = true, Name = $"rendezvous watch of rank {rank}" };
        thread.Start();
    }

    /// <summary>Rank <paramref name="rank"/> is gone (<paramref name="line"/> says how); rank 0 tells the others first.</summary>
    private void Lost(int rank, string line, bool relay = true)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0) return;
        // Rank 0 tells the others which rank it was before they learn of it as rank 0's own exit.
        if (relay)
        {
            lock (_gate)
            {
                foreach (var (peer, socket) in _peers)
                    if (peer != rank) TrySend(socket, rank);
            }
        }
        _onPeerLost(rank, line);
    }

    private static void Send(Socket socket, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        socket.Send(buffer);
    }

    /// <summary>Sends the values (and <paramref name="tail"/>) as one write, so that messages from two threads never interleave; a closed socket is ignored.</summary>
    private static void TrySendWithTail(Socket socket, int[] values, byte[]? tail)
    {
        var buffer = new byte[4 * values.Length + (tail?.Length ?? 0)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4 * i), values[i]);
        tail?.CopyTo(buffer, 4 * values.Length);
        try
        {
            socket.Send(buffer);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static void TrySend(Socket socket, params int[] values) => TrySendWithTail(socket, values, null);

    private static int? ReadInt(Socket socket)
    {
        var buffer = new byte[4];
        return ReadExactly(socket, buffer) ? BinaryPrimitives.ReadInt32LittleEndian(buffer) : null;
    }

    private static long? ReadLong(Socket socket) =>
        ReadInt(socket) is int low && ReadInt(socket) is int high ? ((long)high << 32) | (uint)low : (long?)null;

    private static bool ReadExactly(Socket socket, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _closing = true;
        lock (_gate)
        {
            foreach (var (_, socket) in _peers) socket.Dispose();
            _peers.Clear();
        }
        _listener?.Stop();
    }
}
