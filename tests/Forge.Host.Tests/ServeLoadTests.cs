using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Host.Tests.Support;
using Xunit.Abstractions;

namespace Forge.Host.Tests;

/// <summary>
/// A bounded load test on loopback: 200 concurrent requests, half good and half bad (no key, each bad field of the
/// issue, malformed JSON, a prompt over the context, a 1.1 MB body, clients that give up), against a real
/// <c>forge serve</c> process whose queue holds them all. Every good request gets the completion it gets alone (seeded
/// sampling), every bad one its 4xx, a request afterwards is answered, and the server's resident memory (managed and
/// native) comes back to within 20 % of what it was after warm-up.
/// </summary>
public class ServeLoadTests(ITestOutputHelper output)
{
    private const string Key = "load-test-key";

    private static readonly object[] Good =
    [
        new { messages = new[] { new { role = "user", content = "What is 2+3?" } }, max_tokens = 8, seed = 1 },
        new { messages = new[] { new { role = "user", content = "Count to three." } }, max_tokens = 6, n = 2, seed = 2, temperature = 0.7 },
        new { messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "hi" } }, max_tokens = 5, temperature = 0.0 },
        new { messages = new[] { new { role = "user", content = "Say yes." } }, max_completion_tokens = 8, seed = 4, top_p = 0.9, stop = new[] { "e" } },
    ];

    private const string User = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /// <summary>A request for "hi" with <paramref name="fields"/> added (written with ' for ").</summary>
    private static string With(string fields) => "{" + User + "," + fields.Replace('\'', '"') + "}";

    /// <summary>Bad requests, each with the status it must get; the last kind is a client that gives up after 20 ms.</summary>
    private static readonly (string Body, int Status, bool WithKey)[] Bad =
    [
        (With("'max_tokens':4"), 401, false),
        (With("'max_tokens':1000000000"), 400, true),
        (With("'max_tokens':8000000"), 400, true),
        (With("'max_tokens':-5"), 400, true),
        (With("'top_p':0"), 400, true),
        (With("'temperature':1e-300"), 400, true),
        (With("'stop':[1,2]"), 400, true),
        ("{not json", 400, true),
        ($$"""{"messages":[{"role":"user","content":"{{string.Concat(Enumerable.Repeat("What is 2+3? ", 100))}}"}]}""", 400, true),
        ($$"""{"messages":[{"role":"user","content":"{{new string('x', 1_100_000)}}"}]}""", 413, true),
        (With("'max_tokens':200"), 0, true),
    ];

    [Fact]
    public async Task Two_hundred_concurrent_good_and_bad_requests_leave_a_server_that_answers_and_memory_that_returns()
    {
        using var dir = new TempDirectory();
        using var served = new ServedModel(ServeTestModel.Folder, "{prompt}", "--tokenizer", ServeTestModel.Tokenizer,
            "--max-queue", "200", "--api-key-file", dir.Write("key", Key));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(2) };
        string url = served.BaseUrl + "/chat/completions";

        // Warm-up: each good request twice (the same seed gives the same answer), then the baseline.
        var expected = new List<string[]>();
        foreach (var request in Good) expected.Add(await Answer(http, url, request));
        for (int i = 0; i < Good.Length; i++) (await Answer(http, url, Good[i])).Should().Equal(expected[i]);
        await Task.Delay(500);
        long baseline = served.ResidentBytes;

        var loadClock = System.Diagnostics.Stopwatch.StartNew();
        var load = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? GoodRequest(i / 2) : BadRequest(i / 2)).ToList();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromMinutes(2));
        long loaded = served.ResidentBytes;
        output.WriteLine($"200 requests in {loadClock.Elapsed.TotalSeconds:0.0} s; resident {baseline / 1e6:0} MB after warm-up, {loaded / 1e6:0} MB after the load");

        for (int i = 0; i < Good.Length; i++) (await Answer(http, url, Good[i])).Should().Equal(expected[i], "the server answers as before the load");
        long after = served.ResidentBytes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (after > baseline * 1.2 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(250);
            after = served.ResidentBytes;
        }
        output.WriteLine($"resident {after / 1e6:0} MB {clock.Elapsed.TotalSeconds:0.0} s later");
        after.Should().BeLessThanOrEqualTo((long)(baseline * 1.2), $"resident memory was {baseline / 1e6:0} MB after warm-up");
        served.ErrorText.Should().NotContain("fail").And.NotContain("rror");

        async Task GoodRequest(int index)
        {
            int variant = index % Good.Length;
            (await Answer(http, url, Good[variant])).Should().Equal(expected[variant], $"good request {index}");
        }

        async Task BadRequest(int index)
        {
            var (body, status, withKey) = Bad[index % Bad.Length];
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (withKey) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            if (status == 0)
            {
                using var givingUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
                await FluentActions.Awaiting(() => http.SendAsync(message, givingUp.Token)).Should().ThrowAsync<OperationCanceledException>();
                return;
            }
            var response = await http.SendAsync(message);
            string text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().Be(status, text);
            JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        }
    }

    private static async Task<string[]> Answer(HttpClient http, string url, object request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(request) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var response = await http.SendAsync(message);
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("object").GetString().Should().Be("chat.completion");
        return body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!).ToArray();
    }
}
