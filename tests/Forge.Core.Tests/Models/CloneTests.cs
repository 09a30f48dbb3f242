using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

public class CloneTests
{
    [Fact]
    public void A_frozen_clone_created_inside_a_dispose_scope_outlives_it_and_computes_the_same_logits()
    {
        using var model = ModelFixtures.Load("llama");
        using var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        Forge.Contracts.Models.ILanguageModel clone;
        using (NewDisposeScope())
        {
            clone = model.Clone(frozen: true);
        }
        using var noGrad = no_grad();
        clone.Logits(clone.Hidden(ids)).allclose(model.Logits(model.Hidden(ids))).Should().BeTrue();
        clone.Module.parameters().Should().AllSatisfy(p => p.requires_grad.Should().BeFalse());
        clone.Dispose();
    }
}

public class RmsNormTests
{
    [Fact]
    public void Half_precision_path_matches_the_float32_formula_within_bfloat16_rounding()
    {
        using var norm = new RmsNorm(64, 1e-6);
        using (no_grad()) norm.weight.uniform_(0.5, 1.5);
        using var x = randn(3, 5, 64) * 3;
        using var exact = norm.forward(x);
        norm.to(ScalarType.BFloat16);
        using var half = norm.forward(x.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        (half - exact).abs().max().ToSingle().Should().BeLessThan(0.05f);
    }
}
