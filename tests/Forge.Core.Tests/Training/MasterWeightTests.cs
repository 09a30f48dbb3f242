using Forge.Contracts.Training;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using Forge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class MasterWeightTests
{
    [Fact]
    public void Bfloat16_weights_train_through_float32_masters_so_tiny_updates_accumulate()
    {
        using var model = ModelFixtures.Load("qwen2", ScalarType.BFloat16);
        var before = model.norm.weight.to(ScalarType.Float32).clone();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-4, MaxGradNorm = 0 });
        using var batch = new TokenBatch(tensor(new long[] { 5, 6, 7, 8, 9, 10 }).view(1, 6), ones(1, 6, ScalarType.Int64), 2, ones(1, 4));
        for (int i = 0; i < 5; i++)
        {
            context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
            context.OptimizerStep().Applied.Should().BeTrue();
        }

        context.MasterWeights.Should().NotBeEmpty().And.AllSatisfy(m => m.dtype.Should().Be(ScalarType.Float32));
        model.parameters().Should().AllSatisfy(p => p.dtype.Should().Be(ScalarType.BFloat16));
        int index = model.parameters().ToList().FindIndex(p => p.Handle == model.norm.weight.Handle);
        var master = context.MasterWeights[index];
        // Five updates of ~1e-4 each move the float32 master by ~5e-4, less than bfloat16's spacing of 2^-7 near 1.
        (master - before).abs().max().ToSingle().Should().BeInRange(1e-4f, 2e-3f);
        model.norm.weight.to(ScalarType.Float32).allclose(master.to(ScalarType.BFloat16).to(ScalarType.Float32)).Should().BeTrue();
    }
}
