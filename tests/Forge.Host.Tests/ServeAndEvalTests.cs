using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>`forge serve` as an OpenAI-compatible teacher on loopback, and `forge eval`.</summary>
public class ServeAndEvalTests
{
    [Fact]
    public void A_distill_pipeline_takes_its_traces_from_a_served_model_over_http()
    {
        using var served = new ServedModel(TinyReasoner.Folder, TinyReasoner.Template);
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--pipeline", "distill", "--output", dir.Combine("run"), "--seed", "4",
            "--set", $"Pipelines:distill:Stages:0:Teacher:Endpoint={served.BaseUrl}",
            "--set", "Pipelines:distill:Stages:0:Prompts=12", "--set", "Pipelines:distill:Stages:0:SamplesPerPrompt=2",
            "--set", "Pipelines:distill:Stages:0:Thresholds:accuracy=0", "--set", "Pipelines:distill:Stages:0:Generation:MaxNewTokens=60",
            // The student learns from the traces alone: no local teacher, its own character tokenizer.
            "--set", "Pipelines:distill:Stages:1:Teacher=", "--set", "Pipelines:distill:Stages:1:Epochs=1",
            "--set", "Pipelines:distill:Eval:Enabled=false", "--set", "Pipelines:distill:Stages:2:Prompts=4", "--set", "Pipelines:distill:Stages:2:K=1");

        result.ExitCode.Should().Be(0, result.Error);
        var traces = File.ReadAllLines(dir.Combine("run", "data", "teacher-traces.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        traces.Should().NotBeEmpty();
        traces.Should().OnlyContain(t => t.GetProperty("completion").GetString()!.StartsWith("<think>", StringComparison.Ordinal),
            "the served model writes in the cold-start format and the format threshold keeps only well-formed traces");
        traces.Should().OnlyContain(t => t.GetProperty("completion_tokens").GetInt32() > 0, "the server reports usage");
        var summary = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement;
        summary.GetProperty("stages")[0].GetProperty("metrics").GetProperty("sampled").GetDouble().Should().Be(24);
    }

    [Fact]
    public async Task The_server_answers_in_the_openai_format_and_rejects_bad_requests_clearly()
    {
        using var served = new ServedModel(TinyReasoner.Folder, TinyReasoner.Template);
        using var http = new HttpClient();

        var models = await http.GetFromJsonAsync<JsonElement>(served.BaseUrl + "/models");
        models.GetProperty("data")[0].GetProperty("id").GetString().Should().Be("base");

        var response = await http.PostAsJsonAsync(served.BaseUrl + "/chat/completions", new
        {
            model = "base", messages = new[] { new { role = "user", content = "What is 2+3?" } }, max_tokens = 5, n = 3, seed = 1,
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("object").GetString().Should().Be("chat.completion");
        body.GetProperty("choices").GetArrayLength().Should().Be(3);
        body.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString().Should().Be("assistant");
        body.GetProperty("choices").EnumerateArray().Should().OnlyContain(c => c.GetProperty("finish_reason").GetString() == "length",
            "five tokens cannot finish a cold-start answer");
        body.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(15);

        var streaming = await http.PostAsJsonAsync(served.BaseUrl + "/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } }, stream = true });
        streaming.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await streaming.Content.ReadAsStringAsync()).Should().Contain("stream=true is not supported");
        var broken = await http.PostAsync(served.BaseUrl + "/chat/completions", new StringContent("{not json"));
        broken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await broken.Content.ReadAsStringAsync()).Should().Contain("invalid_request_error");
    }

    [Fact]
    public void An_unreachable_teacher_is_one_clear_line()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--pipeline", "distill", "--output", dir.Combine("run"),
            "--set", "Pipelines:distill:Stages:0:Teacher:Endpoint=http://127.0.0.1:9/v1", "--set", "Pipelines:distill:Stages:0:Prompts=1",
            "--set", "Pipelines:distill:Stages:0:SamplesPerPrompt=1", "--set", "Pipelines:distill:Stages:0:Teacher:TimeoutSeconds=5",
            "--set", "Pipelines:distill:Stages:1:Teacher=");

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().StartWith("error: teacher http://127.0.0.1:9/v1: ").And.NotContain("\n");
    }

    [Fact]
    public void Eval_reports_pass_at_1_and_cons_at_k_per_task_as_json()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("eval", "--model", TinyReasoner.Folder, "--template", TinyReasoner.Template,
            "--tasks", "arithmetic-steps,countdown:countdown", "--k", "3", "--prompts", "5", "--max-new-tokens", "40", "--output", dir.Combine("eval.json"));

        result.ExitCode.Should().Be(0, result.Error);
        var report = JsonDocument.Parse(result.Out).RootElement;
        report.GetProperty("tasks").EnumerateObject().Select(t => t.Name).Should().Equal("arithmetic-steps", "countdown");
        foreach (var task in report.GetProperty("tasks").EnumerateObject())
        {
            task.Value.GetProperty("k").GetInt32().Should().Be(3);
            task.Value.GetProperty("prompts").GetInt32().Should().Be(5);
            task.Value.GetProperty("pass_at_1").GetDouble().Should().BeInRange(0, 1);
            task.Value.GetProperty("cons_at_k").GetDouble().Should().BeInRange(0, 1);
        }
        report.GetProperty("overall").GetProperty("prompts").GetInt32().Should().Be(10);
        File.ReadAllText(dir.Combine("eval.json")).Should().Contain("\"pass_at_1\"");
    }

    [Fact]
    public void Eval_names_an_unknown_task()
    {
        var result = ForgeProcess.Run("eval", "--model", TinyReasoner.Folder, "--tasks", "telepathy");
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("unknown prompt-source plugin 'telepathy'");
    }
}
