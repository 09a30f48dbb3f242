using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A stage with <c>"Adapter"</c> through <c>forge run</c>: it writes PEFT folders (the stage's output, its step
/// checkpoints) and the merged model, a run stopped by SIGTERM resumes to the same losses and the same adapter, and
/// <c>generate</c> gives the same tokens from base + <c>--adapter</c>, from the adapter folder and from the merged one.
/// </summary>
[Collection(SeededRuns.Name)]
public class AdapterRunTests
{
    private static string LoraConfig(TempDirectory dir, string baseModel, string traces, int checkpointEvery) => dir.Write($"lora{checkpointEvery}.json", JsonSerializer.Serialize(new
    {
        Pipelines = new Dictionary<string, object>
        {
            ["lora"] = new
            {
                Stages = new[]
                {
                    new
                    {
                        Name = "sft", Kind = "sft", Data = traces, Model = baseModel, MaxSteps = 150, BatchSize = 4, Template = "{prompt}",
                        CheckpointEvery = checkpointEvery,
                        Adapter = new { Kind = "lora", Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = new[] { "q_proj", "v_proj", "o_proj", "gate_proj", "down_proj" }, Merge = true },
                        Training = new { LearningRate = 0.01, MicroBatchSize = 4 },
                    },
                },
            },
        },
    }));

    private static List<string> Losses(string run) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble().ToString("R")).ToList();

    [Fact]
    public void An_adapter_stage_writes_peft_folders_resumes_exactly_and_serves_through_generate()
    {
        using var dir = new TempDirectory();
        string tiny = TinySft.Config(dir);
        var made = ForgeProcess.Run("run", "--config", tiny, "--pipeline", TinySft.Pipeline, "--output", dir.Combine("base"), "--seed", "1");
        made.ExitCode.Should().Be(0, made.Error);
        string baseModel = dir.Combine("base", "checkpoints", "sft"), traces = dir.Combine("traces.jsonl");

        string a = dir.Combine("a"), b = dir.Combine("b");
        var straight = ForgeProcess.Run("run", "--config", LoraConfig(dir, baseModel, traces, 0), "--pipeline", "lora", "--output", a, "--seed", "2");
        straight.ExitCode.Should().Be(0, straight.Error);

        string every = LoraConfig(dir, baseModel, traces, 10), metrics = Path.Combine(b, "metrics.jsonl");
        using (var child = ForgeChild.Start("run", "--config", every, "--pipeline", "lora", "--output", b, "--seed", "2"))
        {
            child.WaitUntil(() => File.Exists(metrics) && new FileInfo(metrics).Length > 0, "the first metrics line");
            child.Terminate();
            child.WaitForExit().ExitCode.Should().Be(143);
        }
        string step = Path.Combine(b, "checkpoints", "sft", File.ReadAllText(Path.Combine(b, "checkpoints", "sft", "latest")).Trim());
        foreach (string file in new[] { "adapter_config.json", "adapter_model.safetensors", "trainer.safetensors" })
            File.Exists(Path.Combine(step, file)).Should().BeTrue(file);
        File.Exists(Path.Combine(step, "model.safetensors")).Should().BeFalse("a step checkpoint carries the adapter, not the frozen base");
        var resumed = ForgeChild.Run("run", "--config", every, "--output", b, "--resume");
        resumed.ExitCode.Should().Be(0, resumed.Error);

        Losses(b).Should().Equal(Losses(a));
        string output = Path.Combine(a, "checkpoints", "sft");
        File.ReadAllBytes(Path.Combine(b, "checkpoints", "sft", "adapter_model.safetensors")).Should().Equal(File.ReadAllBytes(Path.Combine(output, "adapter_model.safetensors")));
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "adapter_config.json"))).RootElement;
        config.GetProperty("peft_type").GetString().Should().Be("LORA");
        config.GetProperty("base_model_name_or_path").GetString().Should().Be(Path.GetFullPath(baseModel));
        File.Exists(Path.Combine(output, "merged", "model.safetensors")).Should().BeTrue();

        string Generate(params string[] model)
        {
            var result = ForgeProcess.Run(["generate", .. model, "--prompt", "What is 2+2?", "--greedy", "--max-new-tokens", "12", "--json"]);
            result.ExitCode.Should().Be(0, result.Error);
            return result.OutLines[^1];
        }
        string withAdapter = Generate("--model", baseModel, "--adapter", output);
        withAdapter.Should().NotBe(Generate("--model", baseModel), "the adapter trained");
        Generate("--model", output).Should().Be(withAdapter);
        Generate("--model", Path.Combine(output, "merged")).Should().Be(withAdapter);
        var merged = ForgeProcess.Run("merge", "--adapter", output, "--output", dir.Combine("merged-by-command"));
        merged.ExitCode.Should().Be(0, merged.Error);
        Generate("--model", dir.Combine("merged-by-command")).Should().Be(withAdapter);
    }

    [Fact]
    public void An_adapter_on_a_new_model_or_with_dropout_under_activation_checkpointing_is_refused()
    {
        using var dir = new TempDirectory();
        string tiny = TinySft.Config(dir);
        var onNew = ForgeProcess.Run("run", "--config", tiny, "--pipeline", TinySft.Pipeline, "--output", dir.Combine("a"), "--dry-run",
            "--set", $"Pipelines:{TinySft.Pipeline}:Stages:0:Adapter:Rank=4");
        onNew.ExitCode.Should().Be(2);
        onNew.ErrorText.Should().Contain("an adapter trains on top of a given Model");
        var unknown = ForgeProcess.Run("run", "--config", tiny, "--pipeline", TinySft.Pipeline, "--output", dir.Combine("b"), "--dry-run",
            "--set", $"Pipelines:{TinySft.Pipeline}:Stages:0:Adapter:TargetModules:0=qkv");
        unknown.ExitCode.Should().Be(2);
        unknown.ErrorText.Should().Contain("unknown module \"qkv\"");
    }
}
