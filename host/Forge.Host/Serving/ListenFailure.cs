using System.Net.Sockets;
using Forge.Core;
using Microsoft.AspNetCore.Connections;

namespace Forge.Host.Serving;

/// <summary>Why <c>forge serve</c> could not listen, as one line naming <c>--port</c> or <c>--host</c> (Kestrel's message names neither option).</summary>
internal static class ListenFailure
{
    public static ForgeDataException Describe(Exception failure, ListenAddress host, int port)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(host);
        if (Causes(failure).Any(e => e is AddressInUseException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }))
            return new ForgeDataException($"--port {port}: address already in use ({host}:{port} has another listener; choose another port, or --port 0 for any free one)", failure);
        var socket = Causes(failure).OfType<SocketException>().FirstOrDefault();
        if (socket is { SocketErrorCode: SocketError.AddressNotAvailable })
            return new ForgeDataException($"--host {host.Given}: {host.Address} is not an address of this machine ({socket.Message})", failure);
        return new ForgeDataException($"--port {port}: cannot listen on {host}:{port} ({(socket ?? failure.InnerException ?? failure).Message})", failure);
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException) yield return current;
    }
}
