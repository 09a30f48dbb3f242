using System.Net;
using System.Net.Sockets;
using Forge.Core;
using Forge.Host.Serving;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// `forge serve --host`: Kestrel listened on every interface for a name it did not know (`--host locahost` served at
/// http://[::]:8000), and .NET reads `127.0.0.1.` and `127.1` as addresses. Only what parses or resolves is served on;
/// every interface is an explicit choice, with a warning.
/// </summary>
public class ServeAddressTests
{
    private static IPAddress[] NoLookup(string host) => throw new InvalidOperationException($"{host} must not be looked up");

    [Theory]
    [InlineData("127.0.0.1.", "not an IPv4 address")]
    [InlineData("127.1", "not an IPv4 address")]
    [InlineData("256.0.0.1", "not an IPv4 address")]
    [InlineData("010.0.0.1", "not an IPv4 address")]
    [InlineData("0", "not an IPv4 address")]
    [InlineData("127.0.0.1:8000", "a port goes in --port")]
    [InlineData("[::1", "not an IPv6 address")]
    [InlineData("http://127.0.0.1", "without scheme")]
    [InlineData("local host", "not a host name or IP address")]
    [InlineData("-bad-.example", "not a host name or IP address")]
    [InlineData("", "empty")]
    public void A_host_that_does_not_parse_is_refused_without_a_lookup(string host, string why) =>
        FluentActions.Invoking(() => ListenAddress.Parse(host, NoLookup)).Should().Throw<ForgeDataException>()
            .Which.Message.Should().StartWith(host.Length == 0 ? "--host: " : $"--host {host}: ").And.Contain(why);

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true, false)]
    [InlineData("localhost", "127.0.0.1", true, false)]
    [InlineData("LocalHost.", "127.0.0.1", true, false)]
    [InlineData("::1", "::1", true, false)]
    [InlineData("[::1]", "::1", true, false)]
    [InlineData("0.0.0.0", "0.0.0.0", false, true)]
    [InlineData("::", "::", false, true)]
    [InlineData("192.168.1.20", "192.168.1.20", false, false)]
    public void Addresses_and_localhost_are_taken_as_written(string host, string address, bool loopback, bool wildcard)
    {
        var parsed = ListenAddress.Parse(host, NoLookup);
        parsed.Address.Should().Be(IPAddress.Parse(address));
        parsed.IsLoopback.Should().Be(loopback);
        parsed.IsWildcard.Should().Be(wildcard);
    }

    [Fact]
    public void A_host_name_is_served_on_the_address_it_resolves_to_or_refused()
    {
        ListenAddress.Parse("gpu-box.lan", _ => [IPAddress.Parse("fe80::1"), IPAddress.Parse("10.0.0.7")]).Address
            .Should().Be(IPAddress.Parse("10.0.0.7"), "an IPv4 address is preferred");
        FluentActions.Invoking(() => ListenAddress.Parse("gpu-box.lan", _ => throw new SocketException((int)SocketError.HostNotFound)))
            .Should().Throw<ForgeDataException>().WithMessage("--host gpu-box.lan: cannot resolve (*)*");
        FluentActions.Invoking(() => ListenAddress.Parse("gpu-box.lan", _ => [])).Should().Throw<ForgeDataException>()
            .WithMessage("--host gpu-box.lan: cannot resolve (no addresses)*");
    }

    [Theory]
    [InlineData("locahost", "error: --host locahost: cannot resolve (")]
    [InlineData("127.0.0.1.", "error: --host 127.0.0.1.: not an IPv4 address")]
    public void A_host_that_cannot_be_served_on_is_one_line_and_exit_2_before_the_model_loads(string host, string line)
    {
        var result = ForgeProcess.Run("serve", "--model", "/nonexistent/model", "--host", host, "--port", "0");

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().StartWith(line).And.NotContain("\n");
        result.Out.Should().BeEmpty();
    }

    [Fact]
    public async Task Settings_in_the_environment_or_the_working_folder_open_no_other_port()
    {
        using var dir = new TempDirectory();
        var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        int port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        string elsewhere = $"http://0.0.0.0:{port}";
        dir.Write("appsettings.json", System.Text.Json.JsonSerializer.Serialize(new { Kestrel = new { Endpoints = new { Http = new { Url = elsewhere } } }, urls = elsewhere }));
        using var served = new ServedModel(ServeTestModel.Folder, "{prompt}", start =>
        {
            start.WorkingDirectory = dir.Path;
            start.Environment["ASPNETCORE_URLS"] = elsewhere;
            start.Environment["ASPNETCORE_HTTP_PORTS"] = $"{port}";
            start.Environment["DOTNET_URLS"] = elsewhere;
        }, "--tokenizer", ServeTestModel.Tokenizer);
        using var http = new HttpClient();

        (await http.GetAsync(served.BaseUrl + "/models")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var probe = new TcpClient();
        await FluentActions.Awaiting(() => probe.ConnectAsync(IPAddress.Loopback, port)).Should().ThrowAsync<SocketException>("only --host and --port are listened on");
        served.ErrorText.Should().BeEmpty();
    }

    [Fact]
    public void Serving_on_every_interface_says_so_loudly()
    {
        using var server = InProcessServer.Cli(ServeTestModel.ServeArgs("--host", "0.0.0.0"));

        server.Error.Should().Contain("warning: --host 0.0.0.0: serving on every interface, reachable from other machines, and no --api-key is set");
        server.BaseUrl.Should().StartWith("http://0.0.0.0:");
        server.Interrupt();
        server.WaitForExit(TimeSpan.FromSeconds(30)).Should().Be(0);
    }
}
