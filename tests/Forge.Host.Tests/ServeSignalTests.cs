using System.Net.Http.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A busy `forge serve` process stops within seconds of a signal (SIGINT was ignored for 8 s while a request
/// generated). SIGTERM is sent here: a test process started in the background may have inherited an ignored SIGINT,
/// which .NET then leaves ignored; the in-process test in <see cref="ServeQueueTests"/> sends SIGINT through the same
/// handler.
/// </summary>
public class ServeSignalTests
{
    [Fact]
    public async Task SIGTERM_stops_a_server_with_a_full_queue_within_seconds_and_exits_0()
    {
        using var served = new ServedModel(ServeTestModel.Folder, "{prompt}", "--tokenizer", ServeTestModel.Tokenizer);
        using var http = new HttpClient();
        // 17 requests of 16 × 250 tokens: about a second each on this model, so a quarter of a minute of work queued.
        var busy = Enumerable.Range(0, 17).Select(i => http.PostAsJsonAsync(served.BaseUrl + "/chat/completions", new
        {
            messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 250, n = 16, temperature = 0.7, seed = i,
        })).ToList();
        await Task.Delay(1000);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        served.Signal(15);
        int? exit = served.WaitForExit(TimeSpan.FromSeconds(30));

        exit.Should().Be(0, served.ErrorText);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4), "the queued and generating requests are cancelled, not finished");
        served.ErrorText.Should().Contain("SIGTERM: stopping: no new requests").And.Contain("stopped");
        foreach (var request in busy)
        {
            try
            {
                var response = await request;
                ((int)response.StatusCode).Should().BeOneOf(200, 503);
            }
            catch (HttpRequestException)
            {
                // Connections not yet accepted when the server stopped listening.
            }
        }
    }
}
