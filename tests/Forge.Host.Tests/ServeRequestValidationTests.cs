using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>One server (context limited to 64 tokens with --max-model-len) for every request-validation test.</summary>
public sealed class ValidationServer : IDisposable
{
    public const int Context = 64;

    internal InProcessServer Server { get; } = InProcessServer.Cli(ServeTestModel.ServeArgs("--max-model-len", "64"));

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public string Completions => Server.BaseUrl + "/chat/completions";

    public Task<HttpResponseMessage> PostAsync(string json) => Http.PostAsync(Completions, new StringContent(json, Encoding.UTF8, "application/json"));

    public void Dispose()
    {
        Http.Dispose();
        Server.Dispose();
    }
}

/// <summary>
/// Every field of a chat request is checked before the model sees it: `max_tokens` 10⁹, −5, `top_p` 0 or −1,
/// `temperature` 1e-300 and `stop: [1,2]` answered an empty 500 (or took gigabytes); now each is an OpenAI-style 400
/// naming the field, and prompt plus completion are bounded by the context.
/// </summary>
public class ServeRequestValidationTests(ValidationServer fixture) : IClassFixture<ValidationServer>
{
    private const string User = "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}]";

    /// <summary>A request for "What is 2+3?" with <paramref name="fields"/> added (written with ' for ").</summary>
    private static string With(string fields) => "{" + User + "," + fields.Replace('\'', '"') + "}";

    public static TheoryData<string, string> BadFields() => new()
    {
        { With("'max_tokens':1000000000"), "max_tokens" },
        { With("'max_tokens':1e9"), "max_tokens" },
        { With("'max_tokens':-5"), "max_tokens" },
        { With("'max_tokens':0"), "max_tokens" },
        { With("'max_tokens':2.5"), "max_tokens" },
        { With("'max_tokens':'10'"), "max_tokens" },
        { With("'max_tokens':8000000"), "max_tokens" },
        { With("'max_completion_tokens':65"), "max_completion_tokens" },
        { With("'max_tokens':4,'max_completion_tokens':5"), "max_tokens" },
        { With("'top_p':0"), "top_p" },
        { With("'top_p':-1"), "top_p" },
        { With("'top_p':1.5"), "top_p" },
        { With("'top_p':'0.9'"), "top_p" },
        { With("'temperature':1e-300"), "temperature" },
        { With("'temperature':0.001"), "temperature" },
        { With("'temperature':-1"), "temperature" },
        { With("'temperature':2.5"), "temperature" },
        { With("'temperature':1e400"), "temperature" },
        { With("'temperature':true"), "temperature" },
        { With("'stop':[1,2]"), "stop[0]" },
        { With("'stop':5"), "stop" },
        { With("'stop':''"), "stop" },
        { With("'stop':['a','']"), "stop[1]" },
        { With($"'stop':[{string.Join(",", Enumerable.Repeat("\"s\"", 17))}]"), "stop" },
        { With($"'stop':'{new string('s', 257)}'"), "stop" },
        { With("'n':0"), "n" },
        { With("'n':17"), "n" },
        { With("'n':1.5"), "n" },
        { With("'seed':1.5"), "seed" },
        { With("'seed':'x'"), "seed" },
        { With("'seed':1e30"), "seed" },
        { With("'top_k':-2"), "top_k" },
        { With("'min_p':2"), "min_p" },
        { With("'repetition_penalty':0"), "repetition_penalty" },
        { With("'stream':true"), "stream" },
        { With("'stream':'yes'"), "stream" },
        { With("'logprobs':true"), "logprobs" },
        { With("'presence_penalty':0.5"), "presence_penalty" },
        { With("'frequency_penalty':'high'"), "frequency_penalty" },
        { With("'response_format':{'type':'json_object'}"), "response_format" },
        { With("'model':5"), "model" },
        { With("'tools':[{'type':'function'}]"), "tools" },
        { With("'best_of':2"), "best_of" },
        { "{\"n\":1,\"n\":2," + User + "}", "n" },
        { """{"max_tokens":5}""", "messages" },
        { """{"messages":"hi"}""", "messages" },
        { """{"messages":[]}""", "messages" },
        { """{"messages":[5]}""", "messages[0]" },
        { """{"messages":[{"content":"hi"}]}""", "messages[0].role" },
        { """{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role" },
        { """{"messages":[{"role":"tool","content":"hi"}]}""", "messages[0].role" },
        { """{"messages":[{"role":5,"content":"hi"}]}""", "messages[0].role" },
        { """{"messages":[{"role":"user","content":5}]}""", "messages[0].content" },
        { """{"messages":[{"role":"user"}]}""", "messages[0].content" },
        { """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content[0]" },
        { """{"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}""", "messages[0].content[0].text" },
        { """{"messages":[{"role":"user","content":"hi","tool_calls":[]}]}""", "messages[0].tool_calls" },
        { """{"messages":[{"role":"system","content":"be brief"}]}""", "messages" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_a_400_naming_it(string body, string param)
    {
        var response = await fixture.PostAsync(body);

        var error = await ErrorOf(response, HttpStatusCode.BadRequest);
        error.GetProperty("param").GetString().Should().Be(param);
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace().And.NotContain("\n");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"hi\"")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing")]
    public async Task A_body_that_is_not_a_json_object_is_a_400(string body)
    {
        var error = await ErrorOf(await fixture.PostAsync(body), HttpStatusCode.BadRequest);
        error.GetProperty("param").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Deep_nesting_is_a_400_not_a_stack_overflow()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        await ErrorOf(await fixture.PostAsync(With($"'user':{deep}")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_values_quoted_in_the_issue_name_their_numbers()
    {
        (await MessageOf(With("'max_tokens':1000000000"))).Should().Be(
            "max_tokens is 1000000000; this model's context length is 64 tokens (prompt and completion together)");
        (await MessageOf(With("'max_tokens':-5"))).Should().Be("max_tokens is -5; it must be at least 1");
        (await MessageOf(With("'top_p':0"))).Should().Be("top_p is 0; it must be greater than 0 and at most 1");
        (await MessageOf(With("'temperature':1e-300"))).Should().StartWith("temperature is 1e-300; use 0 for greedy decoding");
        (await MessageOf(With("'stop':[1,2]"))).Should().Be("stop[0] must be a string, not the number 1");
    }

    [Fact]
    public async Task Prompt_and_completion_together_are_bounded_by_the_context_and_the_error_names_both()
    {
        var probe = await fixture.Http.PostAsJsonAsync(fixture.Completions, Request("What is 2+3?", maxTokens: 1));
        probe.StatusCode.Should().Be(HttpStatusCode.OK);
        int prompt = (await probe.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        int room = ValidationServer.Context - prompt;

        var fits = await fixture.Http.PostAsJsonAsync(fixture.Completions, Request("What is 2+3?", maxTokens: room));
        fits.StatusCode.Should().Be(HttpStatusCode.OK, "prompt + max_tokens = the context exactly");
        var over = await fixture.Http.PostAsJsonAsync(fixture.Completions, Request("What is 2+3?", maxTokens: room + 1));
        var error = await ErrorOf(over, HttpStatusCode.BadRequest);
        error.GetProperty("param").GetString().Should().Be("max_tokens");
        error.GetProperty("code").GetString().Should().Be("context_length_exceeded");
        error.GetProperty("message").GetString().Should().Be($"the prompt is {prompt} tokens and max_tokens is {room + 1}: {ValidationServer.Context + 1} "
            + $"tokens, more than this model's context length of {ValidationServer.Context}; ask for at most {room} tokens");

        var tooLong = await fixture.Http.PostAsJsonAsync(fixture.Completions, Request(string.Concat(Enumerable.Repeat("What is 2+3? ", 40)), maxTokens: null));
        error = await ErrorOf(tooLong, HttpStatusCode.BadRequest);
        error.GetProperty("param").GetString().Should().Be("messages");
        error.GetProperty("message").GetString().Should().MatchRegex(@"^the prompt is \d+ tokens; this model's context length is 64 tokens");
    }

    [Fact]
    public async Task A_one_megabyte_prompt_is_refused_before_it_reaches_the_model()
    {
        string prompt = string.Concat(Enumerable.Repeat("hello world ", 83_000));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var response = await fixture.Http.PostAsJsonAsync(fixture.Completions, Request(prompt, maxTokens: 5), patience.Token);

        var error = await ErrorOf(response, HttpStatusCode.BadRequest);
        error.GetProperty("code").GetString().Should().Be("context_length_exceeded");
        error.GetProperty("message").GetString().Should().MatchRegex(@"^the prompt is \d{6} tokens; this model's context length is 64 tokens");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_whether_or_not_it_announces_its_length()
    {
        string huge = $$"""{"messages":[{"role":"user","content":"{{new string('x', 4_000_000)}}"}]}""";
        // Several times: a 413 sent while the client is still sending used to reach it as a broken pipe now and then.
        for (int i = 0; i < 5; i++)
        {
            var announced = await fixture.PostAsync(huge);
            var error = await ErrorOf(announced, HttpStatusCode.RequestEntityTooLarge);
            error.GetProperty("code").GetString().Should().Be("request_too_large");
            error.GetProperty("message").GetString().Should().Be("the request body is larger than 1048576 bytes (the server's --max-body-bytes)");

            using var chunked = new HttpRequestMessage(HttpMethod.Post, fixture.Completions) { Content = new StringContent(huge) };
            chunked.Headers.TransferEncodingChunked = true;
            await ErrorOf(await fixture.Http.SendAsync(chunked), HttpStatusCode.RequestEntityTooLarge);
        }
    }

    [Fact]
    public async Task Requests_within_the_rules_are_answered()
    {
        string[] good =
        [
            With("'max_tokens':3,'temperature':0,'seed':1"),
            With("'max_completion_tokens':3,'temperature':0.01,'top_p':1,'top_k':-1,'min_p':0,'repetition_penalty':1.2"),
            With("'max_tokens':3,'stop':'\\n','n':2,'stream':false,'logprobs':false,'presence_penalty':0,'user':'u','model':'anything'"),
            With("'max_tokens':3,'stop':['a','b'],'temperature':null,'tools':null,'response_format':{'type':'text'}"),
            """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"What is"},{"type":"text","text":"2+3?"}]},{"role":"assistant","content":null},{"role":"user","content":"hi","name":"u"}],"max_tokens":3}""",
        ];
        foreach (string body in good)
        {
            var response = await fixture.PostAsync(body);
            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices").GetArrayLength().Should().BeGreaterThan(0);
        }
        var greedy = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
            (await (await fixture.PostAsync(With("'max_tokens':6,'temperature':0"))).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        greedy[1].Should().Be(greedy[0], "temperature 0 is greedy decoding");
    }

    [Fact]
    public async Task The_server_listens_on_loopback_by_default_and_names_its_limits()
    {
        fixture.Server.BaseUrl.Should().StartWith("http://127.0.0.1:");
        fixture.Server.Error.Should().NotContain("warning");
        fixture.Server.Banner.Should().Contain("context 64 tokens, queue 16, bodies up to 1048576 bytes");
        var models = await fixture.Http.GetFromJsonAsync<JsonElement>(fixture.Server.BaseUrl + "/models");
        models.GetProperty("data")[0].GetProperty("max_model_len").GetInt32().Should().Be(64);
        var unknown = await fixture.Http.GetAsync(fixture.Server.BaseUrl + "/completions");
        (await ErrorOf(unknown, HttpStatusCode.NotFound)).GetProperty("code").GetString().Should().Be("not_found");
    }

    private static object Request(string prompt, int? maxTokens) => maxTokens is null
        ? new { messages = new[] { new { role = "user", content = prompt } } }
        : new { messages = new[] { new { role = "user", content = prompt } }, max_tokens = maxTokens };

    private async Task<string> MessageOf(string body) =>
        (await ErrorOf(await fixture.PostAsync(body), HttpStatusCode.BadRequest)).GetProperty("message").GetString()!;

    /// <summary>The <c>error</c> object of an OpenAI-style error response with <paramref name="status"/>.</summary>
    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        error.GetProperty("type").GetString().Should().NotBeNullOrWhiteSpace();
        error.TryGetProperty("param", out _).Should().BeTrue();
        error.TryGetProperty("code", out _).Should().BeTrue();
        return error;
    }
}
