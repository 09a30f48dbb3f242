using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Core;
using Forge.Host.Serving;
using Forge.Host.Tests.Support;
using Microsoft.Extensions.Primitives;

namespace Forge.Host.Tests;

/// <summary>`forge serve --api-key`: without the key, nothing — not even the model list — is served.</summary>
public class ServeApiKeyTests
{
    private static readonly object Chat = new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 2, seed = 1 };

    [Fact]
    public async Task With_an_api_key_requests_without_it_are_refused_401_and_with_it_served()
    {
        using var dir = new TempDirectory();
        string keyFile = dir.Write("key.txt", "sk-forge-test-1\n");
        using var server = InProcessServer.Cli(ServeTestModel.ServeArgs("--api-key-file", keyFile));
        using var http = new HttpClient();
        server.Banner.Should().Contain("API key required");

        var missing = await http.GetAsync(server.BaseUrl + "/models");
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        var error = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("code").GetString().Should().Be("invalid_api_key");
        error.GetProperty("message").GetString().Should().Contain("Authorization: Bearer");

        foreach (var header in new[] { new AuthenticationHeaderValue("Bearer", "sk-forge-test-2"), new AuthenticationHeaderValue("Basic", "sk-forge-test-1"),
                     new AuthenticationHeaderValue("Bearer", "sk-forge-test-1x") })
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/chat/completions") { Content = JsonContent.Create(Chat) };
            wrong.Headers.Authorization = header;
            var refused = await http.SendAsync(wrong);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, header.ToString());
            (await refused.Content.ReadAsStringAsync()).Should().Contain("incorrect API key provided");
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-forge-test-1");
        (await http.GetAsync(server.BaseUrl + "/models")).StatusCode.Should().Be(HttpStatusCode.OK);
        var answered = await http.PostAsJsonAsync(server.BaseUrl + "/chat/completions", Chat);
        answered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await answered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public void The_key_matches_only_as_one_exact_bearer_token()
    {
        using var dir = new TempDirectory();
        var key = ApiKey.From("s3cret", null)!;

        key.Accepts(new StringValues("Bearer s3cret")).Should().BeTrue();
        key.Accepts(new StringValues("bearer s3cret")).Should().BeTrue("the scheme is case-insensitive");
        key.Accepts(new StringValues("Bearer s3cre")).Should().BeFalse();
        key.Accepts(new StringValues("Bearer s3cret2")).Should().BeFalse();
        key.Accepts(new StringValues("s3cret")).Should().BeFalse();
        key.Accepts(new StringValues(["Bearer s3cret", "Bearer s3cret"])).Should().BeFalse();
        key.Accepts(StringValues.Empty).Should().BeFalse();
        ApiKey.From(null, null).Should().BeNull("no key: an open server, as before");
        ApiKey.From(null, dir.Write("k", "  from-file  \nsecond line")).Should().NotBeNull()
            .And.Subject.As<ApiKey>().Accepts(new StringValues("Bearer from-file")).Should().BeTrue();
    }

    [Theory]
    [InlineData("--api-key", "", "error: --api-key: the key is empty")]
    [InlineData("--api-key", "two words", "error: --api-key: the key has a space")]
    [InlineData("--api-key-file", "/nonexistent/key", "error: --api-key-file /nonexistent/key: no such file")]
    public void A_key_that_cannot_work_is_one_line_and_exit_2(string option, string value, string line)
    {
        var result = ForgeProcess.Run(ServeTestModel.ServeArgs(option, value));

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().StartWith(line).And.NotContain("\n");
    }

    [Fact]
    public void Both_key_options_are_refused() =>
        FluentActions.Invoking(() => ApiKey.From("a", "/tmp/b")).Should().Throw<ForgeDataException>().WithMessage("give --api-key or --api-key-file, not both");
}
