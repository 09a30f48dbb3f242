using System.Text.Json.Nodes;
using Forge.Core.Prompts;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A checkpoint remembers the prompt template it was trained with (forge.json), and <c>forge generate</c> prompts it
/// that way (as does <c>forge eval</c>) unless --template says otherwise; a model without one uses its tokenizer's own chat template.
/// </summary>
public class CheckpointTemplateTests
{
    private const string Trained = "Q: {prompt} A:";

    [Fact]
    public void Generate_and_eval_without_template_use_the_one_the_checkpoint_was_trained_with()
    {
        using var dir = new TempDirectory();
        var run = ForgeProcess.Run("run", "--config", TinySft.Config(dir, template: Trained), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run"),
            "--set", "Pipelines:tiny:Stages:0:MaxSteps=2");
        run.ExitCode.Should().Be(0, run.Error);
        string model = dir.Combine("run", "checkpoints", "sft");
        JsonNode.Parse(File.ReadAllText(Path.Combine(model, "forge.json")))!["prompt_template"]!.GetValue<string>().Should().Be(Trained);

        string Generate(params string[] template)
        {
            var result = ForgeProcess.Run(["generate", "--model", model, "--prompt", "What is 2+1?", "--greedy", "--max-new-tokens", "4", "--json", .. template]);
            result.ExitCode.Should().Be(0, result.Error);
            return result.Out.Trim();
        }

        string byDefault = Generate();
        byDefault.Should().Be(Generate("--template", Trained));
        byDefault.Should().NotBe(Generate("--template", "{prompt}"), "the prompt as is conditions the model differently");

        var eval = ForgeProcess.Run("eval", "--model", model, "--tasks", "arithmetic", "--k", "1", "--prompts", "2", "--max-new-tokens", "2");
        eval.ExitCode.Should().Be(0, eval.Error);
        JsonNode.Parse(eval.Out)!["tasks"]!["arithmetic"]!["samples"]!.AsArray().Select(s => s!["prompt"]!.GetValue<string>())
            .Should().NotBeEmpty().And.OnlyContain(p => p.StartsWith("Q: ", StringComparison.Ordinal) && p.EndsWith(" A:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_without_forge_json_takes_its_tokenizers_own_chat_template()
    {
        using var dir = new TempDirectory();
        string tokenizer = Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "qwen3");

        var (template, spec, source) = CheckpointTemplate.Choose(null, dir.Path, tokenizer);
        spec.Should().Be("chat");
        source.Should().Be("tokenizer_config.json chat_template");
        template.Format("hi").Should().Be("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "Qwen3's own template, rendered for generation");

        CheckpointTemplate.Choose(null, dir.Path, null).Spec.Should().Be("{prompt}", "no forge.json and no chat template: the prompt as is");
        CheckpointTemplate.Write(dir.Path, "r1");
        CheckpointTemplate.Choose(null, dir.Path, tokenizer).Spec.Should().Be("r1", "the checkpoint's own template wins over the tokenizer's");
        CheckpointTemplate.Choose("{prompt}", dir.Path, tokenizer).Source.Should().Be("--template");
        CheckpointTemplate.Write(dir.Path, "chat", new Forge.Core.Stages.ChatTemplateOptions { System = "Be brief.", EnableThinking = false });
        CheckpointTemplate.Choose(null, dir.Path, tokenizer).Template.Format("hi").Should().Be(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            "a chat checkpoint keeps its system turn and enable_thinking");
    }
}
