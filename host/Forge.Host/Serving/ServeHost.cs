using Forge.Host.Hosting;

namespace Forge.Host.Serving;

/// <summary>
/// <c>forge serve</c> from listening to exit: warns when the address is reachable from other machines, starts the
/// server, prints the base URL, and serves until SIGINT or SIGTERM — which stops listening, cancels the requests
/// waiting or generating (between two decode steps) and returns 0 once the model is idle; a second signal exits at once.
/// </summary>
internal static class ServeHost
{
    public static int Run(ChatModel model, ListenAddress address, int port, ApiKey? key, string description,
        TextWriter output, TextWriter error, ShutdownSignals signals)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(signals);
        string open = key is null ? "and no --api-key is set: anyone who can connect can use the model" : "clients need the API key";
        if (address.IsWildcard) error.WriteLine($"warning: --host {address.Given}: serving on every interface, reachable from other machines, {open}");
        else if (!address.IsLoopback) error.WriteLine($"warning: --host {address.Given}: serving on {address}, reachable from other machines, {open}");

        var server = new ChatServer(model, address, port, key);
        try
        {
            try
            {
                server.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                throw ListenFailure.Describe(e, address, port);
            }
            signals.EnableGracefulStop("stopping: no new requests, cancelling those waiting or generating (send it again to exit at once)",
                "exiting at once");
            using var stop = signals.Token.Register(server.RequestStop);
            var limits = model.Limits;
            output.WriteLine($"serving {model.Name} at {server.BaseUrl} (POST /chat/completions; {description}; context {limits.ContextLength} tokens, "
                + $"queue {limits.MaxQueue}, bodies up to {limits.MaxBodyBytes} bytes{(key is null ? "" : ", API key required")}); Ctrl+C stops");
            output.Flush();
            server.WaitForShutdownAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        error.WriteLine("stopped");
        return 0;
    }
}
