using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A sampler or optimizer plugin that throws mid-stage ends the run with one line naming the plugin, the stage and the step,
/// and a checkpoint of the last complete step when the failing step had not yet changed anything.
/// </summary>
public class PluginFaultTests
{
    /// <summary>A REINFORCE-style optimizer that throws on its third call, before or after its own update.</summary>
    private static string FlakyOptimizer(string name, bool afterUpdate) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using Forge.Contracts.Plugins;
        using Forge.Contracts.Training;
        using Microsoft.Extensions.DependencyInjection;
        using TorchSharp;
        using static TorchSharp.torch;
        namespace Flaky;
        public sealed class FlakyOptimizer : IPolicyOptimizer
        {
            private int _calls;
            public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
            {
                bool fail = ++_calls == 3;
                if (fail && !{{(afterUpdate ? "true" : "false")}}) throw new InvalidOperationException("exploded on its third step");
                using var scope = NewDisposeScope();
                var mask = rollout.Tokens.CompletionMask.to(float32);
                var advantage = (rollout.Rewards - rollout.Rewards.mean()).to(float32).unsqueeze(1);
                var loss = -(context.Evaluate(context.Policy, rollout.Tokens).LogProbs * mask * advantage).sum() / mask.sum().clamp_min(1);
                context.Backward(loss);
                var step = context.OptimizerStep();
                if (fail) throw new InvalidOperationException("exploded on its third step");
                return new Dictionary<string, double> { ["loss"] = loss.ToDouble(), ["grad_norm"] = step.GradNorm };
            }
        }
        [ForgePlugin("{{name}}", PluginKind.Optimizer)]
        public sealed class Module : IForgePlugin
        {
            public void ConfigureServices(IServiceCollection services, PluginContext context) =>
                services.AddForgePlugin<IPolicyOptimizer, FlakyOptimizer>(context);
        }
        """;

    /// <summary>A sampler that ends every completion at once, and throws on its third call.</summary>
    private const string FlakySampler = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using Forge.Contracts.Plugins;
        using Forge.Contracts.Sampling;
        using Microsoft.Extensions.DependencyInjection;
        namespace FlakySampling;
        public sealed class FlakySampler : ISampler
        {
            private int _calls;
            public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
            {
                if (++_calls == 3) throw new InvalidOperationException("exploded on its third step");
                var completions = new List<Completion>();
                for (int p = 0; p < request.Prompts.Count; p++)
                    for (int g = 0; g < request.CompletionsPerPrompt; g++)
                        completions.Add(new Completion(p, [request.Tokenizer.StopTokenIds[0]], [-1f], "", false));
                return completions;
            }
        }
        [ForgePlugin("flaky-sampler", PluginKind.Sampler)]
        public sealed class Module : IForgePlugin
        {
            public void ConfigureServices(IServiceCollection services, PluginContext context) =>
                services.AddForgePlugin<ISampler, FlakySampler>(context);
        }
        """;

    private static string Config(TempDirectory dir, string optimizer, string sampler = "kv-cache") => dir.Write("faulty.json", JsonSerializer.Serialize(new
    {
        PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
        Pipelines = new Dictionary<string, object>
        {
            ["faulty"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "rl", Kind = "rl", PromptSource = "arithmetic", Optimizer = optimizer, Sampler = sampler, Rewards = new { accuracy = 1.0 },
                        NewModel = new { hidden_size = 32, intermediate_size = 64, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64, tie_word_embeddings = true },
                        Steps = 6, PromptsPerStep = 2, CompletionsPerPrompt = 4, Generation = new { MaxNewTokens = 6 },
                    },
                },
            },
        },
    }));

    [Theory]
    [InlineData("optimizer", "flaky")]
    [InlineData("sampler", "flaky-sampler")]
    public void A_fault_before_the_update_checkpoints_the_last_complete_step_in_one_line(string kind, string plugin)
    {
        using var dir = new TempDirectory();
        PluginCompiler.Compile(dir.Combine("plugins", "Flaky"), "Flaky", kind == "sampler" ? FlakySampler : FlakyOptimizer(plugin, afterUpdate: false));
        string config = kind == "sampler" ? Config(dir, "grpo", plugin) : Config(dir, plugin), run = dir.Combine("run");
        string[] args = ["run", "--plugins", dir.Combine("plugins"), "--config", config, "--pipeline", "faulty", "--output", run];

        var result = ForgeProcess.Run(args);

        result.ExitCode.Should().Be(1);
        string checkpoint = Path.Combine(run, "checkpoints", "rl", "step-2");
        result.ErrorText.Trim().Should().Be($"error: {kind} plugin '{plugin}' failed in stage 'rl' at step 2: InvalidOperationException: exploded on its third step; "
            + $"last complete step checkpoint: {checkpoint}; resume with: forge {string.Join(' ', args[..^2])} --output {run} --resume");
        File.ReadAllText(Path.Combine(run, "checkpoints", "rl", "latest")).Trim().Should().Be("step-2");
        JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, "progress.json"))).RootElement.GetProperty("step").GetInt32().Should().Be(2);
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(2, "steps 0 and 1 completed");

        ForgeProcess.Run([.. args, "--overwrite", "--verbose"]).Error.Should().Contain("   at Flaky", "--verbose adds the plugin's stack trace");
    }

    [Fact]
    public void A_fault_after_the_update_keeps_the_checkpoints_on_disk_and_says_there_is_none_newer()
    {
        using var dir = new TempDirectory();
        PluginCompiler.Compile(dir.Combine("plugins", "Late"), "Late", FlakyOptimizer("flaky-late", afterUpdate: true));
        string run = dir.Combine("run");

        var result = ForgeProcess.Run("run", "--plugins", dir.Combine("plugins"), "--config", Config(dir, "flaky-late"), "--pipeline", "faulty", "--output", run);

        result.ExitCode.Should().Be(1);
        result.ErrorText.Trim().Should().Be("error: optimizer plugin 'flaky-late' failed in stage 'rl' at step 2: InvalidOperationException: exploded on its third step; no step checkpoint to resume from");
        Directory.Exists(Path.Combine(run, "checkpoints", "rl")).Should().BeFalse("the model had been updated by the failed step, so memory no longer holds a complete step");
    }
}
