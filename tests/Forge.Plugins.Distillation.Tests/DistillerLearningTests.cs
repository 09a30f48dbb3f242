using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Distillation.Tests;

/// <summary>Each distiller lowers its loss when it trains a tiny student (against a bigger teacher for kd).</summary>
public class DistillerLearningTests
{
    private const int Vocabulary = 24;

    private static ILanguageModel Model(int hidden, int layers, long seed) => new ModelStore()
        .Create($$"""
            {"model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"vocab_size":{{Vocabulary}},"hidden_size":{{hidden}},
             "intermediate_size":{{hidden * 2}},"num_hidden_layers":{{layers}},"num_attention_heads":4,"num_key_value_heads":2,
             "max_position_embeddings":64,"tie_word_embeddings":true}
            """, CPU, ScalarType.Float32, seed);

    private static TokenBatch Batch()
    {
        var random = new Random(1);
        var prompts = Enumerable.Range(0, 6).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 3 + random.Next(3)).Select(_ => 1 + random.Next(Vocabulary - 1)).ToArray()).ToList();
        var completions = Enumerable.Range(0, 6).Select(p => new Completion(p, Enumerable.Range(0, 4 + random.Next(4)).Select(_ => 1 + random.Next(Vocabulary - 1)).ToArray(), [], "", false)).ToList();
        return RolloutBuilder.Build(prompts, completions, 0, CPU);
    }

    private static List<double> Train(IDistiller distiller, ILanguageModel student, ILanguageModel? teacher, int steps)
    {
        using var context = new TrainingContext(student, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 4 }, teacher);
        using var batch = Batch();
        student.Module.train();
        return Enumerable.Range(0, steps).Select(_ => distiller.Step(batch, context)["loss"]).ToList();
    }

    [Fact]
    public void Sft_lowers_the_negative_log_likelihood()
    {
        using var student = Model(32, 1, 1);
        var losses = Train(new SftDistiller(), student, null, 30);
        losses[^1].Should().BeLessThan(losses[0] * 0.5, string.Join(", ", losses));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Kd_pulls_the_student_towards_the_teacher(double beta)
    {
        using var teacher = Model(64, 2, 2);
        using var student = Model(32, 1, 1);
        var losses = Train(new KdDistiller(new KdOptions { Beta = beta, Temperature = 1.0 }), student, teacher, 30);
        losses[^1].Should().BeLessThan(losses[0] * 0.5, string.Join(", ", losses));
    }

    [Fact]
    public void Kd_without_a_teacher_is_a_clear_error()
    {
        using var student = Model(32, 1, 1);
        var act = () => Train(new KdDistiller(new KdOptions()), student, null, 1);
        act.Should().Throw<Forge.Contracts.Plugins.PluginInputException>().WithMessage("*teacher*");
    }
}
