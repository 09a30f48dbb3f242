using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// <c>Template: chat</c>: a stage prompts with its tokenizer folder's own chat template (Qwen2.5's real one here, on the
/// fixture BPE), the checkpoint records it and carries the template on, and a folder without one stops the run with one
/// line naming the file.
/// </summary>
public class ChatTemplateStageTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "fixture");

    /// <summary>The fixture tokenizer with Qwen2.5's tokenizer_config.json (its chat template) beside it.</summary>
    private static string ChatTokenizer(TempDirectory dir)
    {
        string folder = dir.Combine("tokenizer");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Fixture, "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "chat_templates", "qwen2.5", "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
        return folder;
    }

    [Fact]
    public void A_chat_stage_prompts_with_the_models_template_and_its_checkpoint_keeps_it()
    {
        using var dir = new TempDirectory();
        var run = ForgeProcess.Run("run", "--config", TinySft.Config(dir, template: "chat"), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run"),
            "--set", "Pipelines:tiny:Stages:0:MaxSteps=2", "--set", $"Pipelines:tiny:Stages:0:Tokenizer={ChatTokenizer(dir)}",
            "--set", "Pipelines:tiny:Stages:0:Chat:System=Answer in digits.");
        run.ExitCode.Should().Be(0, run.Error);

        string model = dir.Combine("run", "checkpoints", "sft");
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "forge.json")))!;
        recorded["prompt_template"]!.GetValue<string>().Should().Be("chat");
        recorded["chat_template_options"]!["System"]!.GetValue<string>().Should().Be("Answer in digits.");
        JsonNode.Parse(File.ReadAllText(Path.Combine(model, "tokenizer_config.json")))!["chat_template"].Should().NotBeNull("the checkpoint carries its template on");

        var eval = ForgeProcess.Run("eval", "--model", model, "--tasks", "arithmetic", "--k", "1", "--prompts", "2", "--max-new-tokens", "2");
        eval.ExitCode.Should().Be(0, eval.Error);
        JsonNode.Parse(eval.Out)!["tasks"]!["arithmetic"]!["samples"]!.AsArray().Select(s => s!["prompt"]!.GetValue<string>())
            .Should().NotBeEmpty().And.OnlyContain(p => p.StartsWith("<|im_start|>system\nAnswer in digits.<|im_end|>\n<|im_start|>user\n", StringComparison.Ordinal)
                && p.EndsWith("<|im_end|>\n<|im_start|>assistant\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chat_stage_whose_tokenizer_has_no_chat_template_stops_with_one_line_naming_the_file()
    {
        using var dir = new TempDirectory();
        var run = ForgeProcess.Run("run", "--config", TinySft.Config(dir, template: "chat"), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run"),
            "--set", $"Pipelines:tiny:Stages:0:Tokenizer={Fixture}");
        run.ExitCode.Should().Be(2, run.Error);
        run.ErrorText.Trim().Should().StartWith($"error: {Path.Combine(Fixture, "tokenizer_config.json")}: no chat_template").And.NotContain("\n");
    }
}
