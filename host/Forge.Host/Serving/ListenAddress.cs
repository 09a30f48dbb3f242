using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Forge.Core;

namespace Forge.Host.Serving;

/// <summary>
/// The address <c>forge serve</c> listens on, from <c>--host</c>: <c>localhost</c>, an IPv4 address written as four
/// numbers (<c>127.0.0.1</c>), an IPv6 address (<c>::1</c> or <c>[::1]</c>), or a host name that resolves. Anything else
/// is refused with one line, never guessed at: given a name it did not know, Kestrel listened on every interface
/// (<c>--host locahost</c> served at <c>http://[::]:8000</c>), and .NET's address parser reads <c>127.1</c> and
/// <c>127.0.0.1.</c> in ways nobody means.
/// </summary>
internal sealed partial record ListenAddress(string Given, IPAddress Address)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Only this machine can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Every interface: 0.0.0.0 or ::.</summary>
    public bool IsWildcard => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    /// <summary>Reads <paramref name="host"/>; a host name goes through <paramref name="resolve"/> (DNS by default).</summary>
    public static ListenAddress Parse(string host, Func<string, IPAddress[]>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string Examples = "give localhost, an IP address such as 127.0.0.1, or 0.0.0.0 for every interface";
        if (string.IsNullOrWhiteSpace(host)) throw new ForgeDataException($"--host: empty; {Examples}");
        if (host.Contains("://", StringComparison.Ordinal) || host.Contains('/') || host.Any(char.IsWhiteSpace))
            throw new ForgeDataException($"--host {host}: not a host name or IP address (give it without scheme, path or port, e.g. 127.0.0.1)");
        if (host.Contains(':') || host.StartsWith('['))
        {
            string inner = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
            return IPAddress.TryParse(inner, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? new ListenAddress(host, v6)
                : throw new ForgeDataException($"--host {host}: not an IPv6 address (a port goes in --port)");
        }
        if (NumbersAndDots().IsMatch(host))
            return DottedQuad().IsMatch(host) && IPAddress.TryParse(host, out var v4)
                ? new ListenAddress(host, v4)
                : throw new ForgeDataException($"--host {host}: not an IPv4 address (four numbers from 0 to 255, e.g. 127.0.0.1)");
        if (host.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new ListenAddress(host, IPAddress.Loopback);
        if (host.Length > 253 || !host.TrimEnd('.').Split('.').All(label => HostLabel().IsMatch(label)))
            throw new ForgeDataException($"--host {host}: not a host name or IP address; {Examples}");
        IPAddress[] addresses;
        try
        {
            addresses = (resolve ?? Lookup)(host);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            throw new ForgeDataException($"--host {host}: cannot resolve ({e.Message}); {Examples}", e);
        }
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ForgeDataException($"--host {host}: cannot resolve (no addresses); {Examples}");
        return new ListenAddress(host, chosen);
    }

    private static IPAddress[] Lookup(string host)
    {
        using var timeout = new CancellationTokenSource(ResolveTimeout);
        try
        {
            return Dns.GetHostAddressesAsync(host, timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"no answer within {ResolveTimeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>The address as it goes in a URL (IPv6 in brackets).</summary>
    public override string ToString() => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();

    [GeneratedRegex("^[0-9.]+$")]
    private static partial Regex NumbersAndDots();

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex HostLabel();
}
