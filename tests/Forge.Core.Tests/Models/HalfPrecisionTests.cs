using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

public class HalfPrecisionTests
{
    [Theory]
    [InlineData("qwen2", ScalarType.BFloat16)]
    [InlineData("llama", ScalarType.Float16)]
    public void Half_precision_models_track_the_float32_logits(string arch, ScalarType dtype)
    {
        using var exact = ModelFixtures.Load(arch);
        using var half = ModelFixtures.Load(arch, dtype);
        half.parameters().Should().AllSatisfy(p => p.dtype.Should().Be(dtype));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var prompt = ModelFixtures.Ints(ModelFixtures.Cases(arch).First().GetProperty("prompt_ids"));
        var ids = tensor(prompt).unsqueeze(0);
        var reference = exact.Logits(exact.Hidden(ids));
        var approx = half.Logits(half.Hidden(ids));
        approx.dtype.Should().Be(dtype);
        double scale = reference.abs().max().item<float>();
        (approx.to(float32) - reference).abs().max().item<float>().Should().BeLessThan((float)(0.05 * scale));
    }
}
