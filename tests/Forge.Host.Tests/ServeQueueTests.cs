using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Host.Serving;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Requests wait for the model in a bounded queue: a full queue answers 429 at once, and a client that goes away no
/// longer holds the model (a 1 MB prompt used to block the server for minutes: the model lock stayed held after the
/// client had gone). The sampler here takes 50 ms a token, so a 200-token request takes 10 s unless it is cancelled.
/// </summary>
public class ServeQueueTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static object Chat(int maxTokens) => new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = maxTokens };

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_at_once()
    {
        var sampler = new SlowSampler(Step);
        await using var server = await Start(sampler, maxQueue: 1);
        using var http = new HttpClient();
        string url = server.BaseUrl + "/chat/completions";
        var running = http.PostAsJsonAsync(url, Chat(200));
        await Until(() => sampler.Started == 1);
        var waiting = http.PostAsJsonAsync(url, Chat(200));
        await Until(() => server.Waiting == 1);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await http.PostAsJsonAsync(url, Chat(1));

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a full queue refuses without waiting");
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("queue_full");
        error.GetProperty("message").GetString().Should().Contain("1 requests are already waiting");
        sampler.Started.Should().Be(1, "the refused request never reached the model");
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_its_generation_and_frees_the_model()
    {
        var sampler = new SlowSampler(Step);
        await using var server = await Start(sampler, maxQueue: 4);
        using var http = new HttpClient();
        string url = server.BaseUrl + "/chat/completions";
        using var leaving = new CancellationTokenSource();
        using var waitingLeaves = new CancellationTokenSource();
        var abandoned = http.PostAsJsonAsync(url, Chat(200), leaving.Token);
        await Until(() => sampler.Started == 1);
        var abandonedWhileWaiting = http.PostAsJsonAsync(url, Chat(200), waitingLeaves.Token);
        await Until(() => server.Waiting == 1);

        waitingLeaves.Cancel();
        await Until(() => server.Waiting == 0);
        leaving.Cancel();
        await Until(() => sampler.Cancelled == 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = await http.PostAsJsonAsync(url, Chat(2));

        next.StatusCode.Should().Be(HttpStatusCode.OK);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the abandoned 10 s generation stopped instead of finishing");
        sampler.Started.Should().Be(2, "the request abandoned while waiting never reached the model");
        await FluentActions.Awaiting(() => abandoned).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => abandonedWhileWaiting).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task SIGINT_cancels_the_generating_and_waiting_requests_and_returns_within_seconds()
    {
        var sampler = new SlowSampler(Step);
        using var server = InProcessServer.Serve(ServeTestModel.Chat(sampler));
        using var http = new HttpClient();
        string url = server.BaseUrl + "/chat/completions";
        var generating = http.PostAsJsonAsync(url, Chat(200));
        await Until(() => sampler.Started == 1);
        var sent = new SentContent(JsonSerializer.Serialize(Chat(200)));
        var waiting = http.PostAsync(url, sent);
        await sent.Sent.Task.WaitAsync(Patience);
        await Task.Delay(300); // for the server to queue it

        var clock = System.Diagnostics.Stopwatch.StartNew();
        server.Interrupt();
        server.WaitForExit(TimeSpan.FromSeconds(4)).Should().Be(0);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        sampler.Cancelled.Should().Be(1);
        sampler.Finished.Should().Be(0);
        foreach (var response in new[] { await generating, await waiting })
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("shutting_down");
        }
        server.Error.Should().Contain("SIGINT: stopping: no new requests, cancelling those waiting or generating").And.Contain("stopped");
    }

    /// <summary>A JSON body that says when it has been written to the connection.</summary>
    private sealed class SentContent(string json) : HttpContent
    {
        private readonly byte[] _bytes = System.Text.Encoding.UTF8.GetBytes(json);

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes);
            await stream.FlushAsync();
            Sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    private static async Task<ChatServer> Start(SlowSampler sampler, int maxQueue)
    {
        var server = new ChatServer(ServeTestModel.Chat(sampler, new ServeLimits { ContextLength = ServeTestModel.Positions, MaxQueue = maxQueue }),
            ListenAddress.Parse("127.0.0.1"), 0, key: null);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private static async Task Until(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) throw new TimeoutException("the server never got there");
            await Task.Delay(10);
        }
    }
}
